import { httpTransport } from "./api/transport.js";
import { systemClock } from "./clock.js";
import { State } from "./constants.js";
import { coreIO } from "./io.js";
import { runMain } from "./main.js";
import type { ActionDeps } from "./modes/context.js";
import { runPost } from "./post.js";
import { Redactor } from "./redact.js";
import { currentRunContext } from "./run-context.js";

// The only top-level code: wire the real collaborators, then run the main or the post step. One
// bundle serves both; the state that the main step saved tells them apart.
const redactor = new Redactor();
const io = coreIO(redactor);
const deps: ActionDeps = {
  io,
  clock: systemClock,
  random: Math.random,
  redactor,
  runContext: currentRunContext,
  transport: httpTransport,
};

const step = io.getState(State.isPost) === "true" ? runPost : runMain;
step(deps).catch((error: unknown) => {
  io.setFailed(`Unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
});
