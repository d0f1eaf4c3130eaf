/** What an error says, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The API answered, with a status that is not a success. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly apiMessage: string,
    readonly request: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status} from ${request}${apiMessage ? `: ${apiMessage}` : ""}`);
    this.name = "HttpStatusError";
  }
}

/**
 * A 404 from a list that every account has (the first page of `GET /snapshots/`, with or without
 * `server_id`, which answers an empty list for an unknown server): the request never reached the
 * API, so the base URL is wrong. `url` is the whole URL asked, which the label leaves out.
 */
export class EndpointNotFoundError extends HttpStatusError {
  constructor(
    answer: HttpStatusError,
    readonly url: string,
  ) {
    super(answer.status, answer.apiMessage, answer.request, answer.retryAfterMs);
    this.name = "EndpointNotFoundError";
  }
}

export type NoAnswerReason = "connection" | "timeout" | "not-json" | "truncated" | "incomplete";

/**
 * No usable answer came back. `requestSent` is false only when the connection itself could not
 * be made, which proves the API never saw the request.
 */
export class NoAnswerError extends Error {
  constructor(
    readonly reason: NoAnswerReason,
    readonly request: string,
    readonly requestSent: boolean,
    detail: string,
  ) {
    super(`${describeReason(reason)} from ${request}: ${detail}`);
    this.name = "NoAnswerError";
  }
}

function describeReason(reason: NoAnswerReason): string {
  switch (reason) {
    case "connection":
      return "No answer (connection failed)";
    case "timeout":
      return "No answer in time";
    case "not-json":
      return "An answer that is not JSON";
    case "truncated":
      return "An incomplete answer";
    case "incomplete":
      return "An answer that lacks what the API documents";
  }
}

/** The API's answer is JSON but not of the documented shape: retrying will not change it. */
export class UnexpectedAnswerError extends Error {
  constructor(request: string, detail: string) {
    super(`Unexpected answer from ${request}: ${detail}`);
    this.name = "UnexpectedAnswerError";
  }
}

/**
 * The API asked to wait longer than the step's timeout leaves: waiting would only end in a
 * timeout that blames the provider's speed, so the request fails at once, saying why.
 */
export class RetryAfterPastDeadlineError extends Error {
  constructor(answer: HttpStatusError, retryAfterText: string, remainingText: string) {
    super(
      `${answer.message}. The API asked to wait ${retryAfterText} before trying again, and the ` +
        `timeout leaves ${remainingText}, so it is not tried again`,
      { cause: answer },
    );
    this.name = "RetryAfterPastDeadlineError";
  }
}

/** A paging link or redirect that would take the token to another origin. */
export class ForeignOriginError extends Error {
  constructor(request: string, target: string, apiOrigin: string) {
    super(
      `Refused to follow ${target} from ${request}: it is not on the API's origin ${apiOrigin}, ` +
        "and the token is only ever sent there.",
    );
    this.name = "ForeignOriginError";
  }
}

/** Worth another try: the failure says nothing about the request itself. */
export function isTransient(error: unknown): boolean {
  if (error instanceof NoAnswerError) return true;
  if (error instanceof HttpStatusError) {
    return error.status === 408 || error.status === 429 || error.status >= 500;
  }
  return false;
}

/**
 * A request that changes state may have done so although no success came back. 408 and 429 are
 * answers from before the request was processed; every other missing or 5xx answer is unknown.
 */
export function mayHaveTakenEffect(error: unknown): boolean {
  if (error instanceof NoAnswerError) return error.requestSent;
  if (error instanceof HttpStatusError) return error.status >= 500;
  return false;
}

export function isStatus(error: unknown, status: number): error is HttpStatusError {
  return error instanceof HttpStatusError && error.status === status;
}
