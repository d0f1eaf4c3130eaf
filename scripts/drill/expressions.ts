/**
 * `${{ }}` expressions and `if:` conditions, evaluated with GitHub's own evaluator
 * (@actions/expressions), over the contexts a step sees. The status functions answer from the
 * job's status, as the runner's do (`success()` only while nothing failed, `always()` always).
 */
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import type { FunctionDefinition } from "@actions/expressions/funcs/info";
import { truthy } from "@actions/expressions/result";
import { isBasicExpression, isLiteral, isString } from "@actions/workflow-parser";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/template-token";

export type JobStatus = "success" | "failure" | "cancelled";

/** The contexts a step's expressions read, as plain JSON; `job.status` is added from `status`. */
export interface Contexts {
  github: Record<string, string>;
  env: Record<string, string>;
  inputs: Record<string, string>;
  secrets: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }>;
}

/**
 * The contexts a step may read. Those the drill has no values for (a job's matrix, the outputs of
 * the jobs it needs, the repository's variables) are empty, as a missing key reads on GitHub.
 */
const EMPTY_CONTEXTS = { vars: {}, matrix: {}, strategy: {}, needs: {} };
const CONTEXT_NAMES = [
  "github",
  "env",
  "inputs",
  "secrets",
  "steps",
  "job",
  "runner",
  ...Object.keys(EMPTY_CONTEXTS),
];

function statusFunctions(status: JobStatus): Map<string, FunctionDefinition> {
  const answer =
    (value: boolean): FunctionDefinition["call"] =>
    () =>
      new data.BooleanData(value);
  const functions: FunctionDefinition[] = [
    { name: "success", minArgs: 0, maxArgs: 0, call: answer(status === "success") },
    { name: "failure", minArgs: 0, maxArgs: 0, call: answer(status === "failure") },
    { name: "cancelled", minArgs: 0, maxArgs: 0, call: answer(status === "cancelled") },
    { name: "always", minArgs: 0, maxArgs: 0, call: answer(true) },
  ];
  return new Map(functions.map((f) => [f.name, f]));
}

function evaluate(expression: string, contexts: Contexts, status: JobStatus): data.ExpressionData {
  const functions = statusFunctions(status);
  const tokens = new Lexer(expression).lex().tokens;
  const tree = new Parser(tokens, CONTEXT_NAMES, [...functions.values()]).parse();
  const values = JSON.parse(
    JSON.stringify({ ...EMPTY_CONTEXTS, ...contexts, job: { status }, runner: { os: "Linux" } }),
    data.reviver,
  ) as data.Dictionary;
  return new Evaluator(tree, values, functions).evaluate();
}

/** An `if:` condition (the parser has already put `success() && (...)` around one without a status function). */
export function conditionHolds(expression: string, contexts: Contexts, status: JobStatus): boolean {
  return truthy(evaluate(expression, contexts, status));
}

/** A scalar of the workflow (`with:` value, `env:` value, `timeout-minutes`) as the step receives it. */
export function valueOf(token: TemplateToken, contexts: Contexts, status: JobStatus): string {
  if (isBasicExpression(token)) {
    return evaluate(token.expression, contexts, status).coerceString();
  }
  if (isString(token)) return token.value;
  if (isLiteral(token)) return token.toString();
  throw new Error(`Not a scalar: ${token.toString()}`);
}
