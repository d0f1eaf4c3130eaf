/**
 * A workflow file, read with GitHub's own parser (@actions/workflow-parser) and turned into the
 * plain steps of one job that the drill runs. The parser's converted model gives each step's id,
 * kind and `if:`; `with:` and `timeout-minutes` are not in that model, so they are read from the
 * step's own tokens, which come in the same order.
 */
import { FeatureFlags } from "@actions/expressions";
import {
  convertWorkflowTemplate,
  isMapping,
  isSequence,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";
import type { Step } from "@actions/workflow-parser/model/workflow-template";
import {
  TemplateContext,
  TemplateValidationErrors,
} from "@actions/workflow-parser/templates/template-context";
import type { MappingToken } from "@actions/workflow-parser/templates/tokens/mapping-token";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/template-token";
import { getWorkflowSchema } from "@actions/workflow-parser/workflows/workflow-schema";

/** A step that does what the drill says, where the real job would build, test or deploy. */
type StepKind = "action" | "stand-in" | "wait" | "wait-all";

export interface DrillStep {
  /** The step's id: its own, or the one the runner makes up (`__run`, `__run_2`, ...). */
  id: string;
  /** The id the workflow gave it, by which `steps.<id>` reads it. */
  contextName: string | undefined;
  displayName: string;
  kind: StepKind;
  /** The `if:` expression, with the status function the runner puts around one that has none. */
  condition: string;
  background: boolean;
  continueOnError: TemplateToken | boolean;
  timeoutMinutes: TemplateToken | undefined;
  with: MappingToken | undefined;
  env: MappingToken | undefined;
  /** wait: the ids it waits for. */
  waitFor: string[];
}

export interface DrillJob {
  id: string;
  steps: DrillStep[];
  /** The workflow's and the job's `env:`, in that order. */
  env: MappingToken[];
  /** `workflow_dispatch` / `workflow_call` inputs and their defaults. */
  inputDefaults: Record<string, string>;
  /** The secrets the workflow names (`secrets.NAME`). */
  secretNames: string[];
}

/** A workflow the drill cannot run, in words for the person who wrote it. */
export class WorkflowError extends Error {}

/** `uses:` this action: this repository at any ref, or the checkout itself (`./`). */
export function usesThisAction(uses: string): boolean {
  return uses === "./" || uses === "." || /^[^/]+\/vps-snapshot-action(\/[^@]*)?@.+$/.test(uses);
}

const flags = new FeatureFlags({ allowBackgroundSteps: true });

async function convert(file: string, content: string) {
  const context = new TemplateContext(
    new TemplateValidationErrors(),
    getWorkflowSchema(),
    new NoOperationTraceWriter(),
  );
  // Background steps are behind the parser's feature flag, in both the parse and the conversion.
  context.state.featureFlags = flags;
  const parsed = parseWorkflow({ name: file, content }, context);
  const errors = context.errors.getErrors();
  if (errors.length > 0 || parsed.value === undefined) {
    throw new WorkflowError(errors.map((error) => error.message).join("\n") || `${file}: empty`);
  }
  const template = await convertWorkflowTemplate(context, parsed.value, undefined, {
    featureFlags: flags,
  });
  if (template.errors?.length) {
    throw new WorkflowError(template.errors.map((error) => error.Message).join("\n"));
  }
  return { template, root: parsed.value };
}

function child(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return token !== undefined && isMapping(token) ? token.find(key) : undefined;
}

function mappingOrNone(token: TemplateToken | undefined): MappingToken | undefined {
  return token !== undefined && isMapping(token) ? token : undefined;
}

function displayName(step: Step, uses: string | undefined): string {
  if (step.name !== undefined) return step.name.toString();
  if ("run" in step) return `Run ${step.run.toString().split("\n")[0]}`;
  return `Run ${uses}`;
}

function kindOf(step: Step): { kind: StepKind; uses: string | undefined } {
  if ("uses" in step) {
    const uses = step.uses.value;
    return { kind: usesThisAction(uses) ? "action" : "stand-in", uses };
  }
  if ("run" in step) return { kind: "stand-in", uses: undefined };
  if ("wait" in step) return { kind: "wait", uses: undefined };
  if ("wait-all" in step) return { kind: "wait-all", uses: undefined };
  throw new WorkflowError(
    `${"cancel" in step ? "cancel:" : "parallel:"} steps are not drilled yet (step ${step.id})`,
  );
}

function inputDefaults(events: Record<string, unknown>): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const event of ["workflow_dispatch", "workflow_call"]) {
    const inputs = (events[event] as { inputs?: Record<string, { default?: unknown }> })?.inputs;
    for (const [name, spec] of Object.entries(inputs ?? {})) {
      if (spec.default !== undefined) defaults[name] = String(spec.default);
    }
  }
  return defaults;
}

/**
 * The job `jobId` of the workflow (or its only job), its steps as the drill runs them.
 * @param file the name the parser's messages give the file
 */
export async function readJob(file: string, content: string, jobId?: string): Promise<DrillJob> {
  const { template, root } = await convert(file, content);
  const jobs = template.jobs.filter((job) => job.type === "job");
  const ids = jobs.map((job) => job.id.value);
  const job =
    jobId === undefined && jobs.length === 1 ? jobs[0] : jobs.find((j) => j.id.value === jobId);
  if (job === undefined || job.type !== "job") {
    throw new WorkflowError(
      jobId === undefined
        ? `${file} has ${jobs.length} jobs with steps (${ids.join(", ")}): choose one with --job`
        : `${file} has no job "${jobId}" with steps (jobs: ${ids.join(", ") || "none"})`,
    );
  }
  const jobToken = child(child(root, "jobs"), job.id.value);
  const stepTokens = child(jobToken, "steps");
  const raw = stepTokens !== undefined && isSequence(stepTokens) ? [...stepTokens] : [];
  const steps = job.steps.map((step, n): DrillStep => {
    const { kind, uses } = kindOf(step);
    const own = raw[n];
    return {
      id: step.id,
      contextName: step.id.startsWith("__") ? undefined : step.id,
      displayName: displayName(step, uses),
      kind,
      condition: step.if?.expression ?? "success()",
      background: "background" in step && step.background === true,
      continueOnError: step["continue-on-error"] ?? false,
      timeoutMinutes: child(own, "timeout-minutes"),
      with: mappingOrNone(child(own, "with")),
      env: "env" in step ? step.env : undefined,
      waitFor: "wait" in step ? step.wait.map((target) => target.value) : [],
    };
  });
  const env = [mappingOrNone(child(root, "env")), job.env].filter(
    (token): token is MappingToken => token !== undefined,
  );
  return {
    id: job.id.value,
    steps,
    env,
    inputDefaults: inputDefaults(template.events as Record<string, unknown>),
    secretNames: [
      ...new Set([...content.matchAll(/\bsecrets\.([A-Za-z_][\w-]*)/g)].map((m) => m[1] ?? "")),
    ],
  };
}
