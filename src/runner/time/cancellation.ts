import { Outputs } from "../../constants.js";
import type { ActionIO } from "../toolkit/io.js";

/** How long the step may take to stop once cancelled; the runner kills it a few seconds later. */
const EXIT_WITHIN_MS = 1_500;

/**
 * A cancelled workflow sends SIGINT (then SIGTERM, then kills). The step then stops every wait and
 * request, says which snapshots it had made (already in the outputs, which are written as soon as
 * each id is known), and exits promptly.
 */
export function stopOnCancel(
  io: ActionIO,
  outputSoFar: (name: string) => string | undefined,
  controller: AbortController,
  exit: (code: number) => void,
): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    controller.abort();
    const made = outputSoFar(Outputs.snapshotIds);
    io.log.warning(
      `The step was cancelled (${signal}). ` +
        (made && made !== "{}"
          ? `Snapshots made so far, server to snapshot: ${made}. They are in the outputs ` +
            `${Outputs.snapshotId} and ${Outputs.snapshotIds}.`
          : "No snapshot id was known yet."),
    );
    setTimeout(() => exit(1), EXIT_WITHIN_MS).unref();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
}
