import { httpTransport } from "./api/transport.js";
import { stopOnCancel } from "./runner/cancellation.js";
import { systemClock } from "./runner/clock.js";
import { State } from "./constants.js";
import { type ActionIO, coreIO } from "./runner/io.js";
import { runMain } from "./main.js";
import type { ActionDeps } from "./step.js";
import { runPost } from "./post.js";
import { Redactor } from "./runner/redact.js";
import { currentRunContext } from "./runner/run-context.js";

// The only top-level code: wire the real collaborators, then run the main or the post step. One
// bundle serves both; the state that the main step saved tells them apart.
const redactor = new Redactor();
const runnerIO = coreIO(redactor);
const outputs = new Map<string, string>();
const io: ActionIO = {
  ...runnerIO,
  setOutput: (name, value) => {
    outputs.set(name, value);
    runnerIO.setOutput(name, value);
  },
};
const controller = new AbortController();
stopOnCancel(
  io,
  (name) => outputs.get(name),
  controller,
  (code) => process.exit(code),
);

const deps: ActionDeps = {
  io,
  clock: systemClock,
  random: Math.random,
  redactor,
  runContext: currentRunContext,
  transport: httpTransport,
  signal: controller.signal,
};

const step = io.getState(State.isPost) === "true" ? runPost : runMain;
step(deps).catch((error: unknown) => {
  io.setFailed(`Unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
});
