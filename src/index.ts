import { httpTransport } from "./api/transport.js";
import { systemClock } from "./clock.js";
import { coreIO } from "./io.js";
import { runMain } from "./main.js";
import { Redactor } from "./redact.js";
import { currentRunContext } from "./run-context.js";

// The only top-level code: wire the real collaborators and run.
const redactor = new Redactor();
const io = coreIO(redactor);

runMain({
  io,
  clock: systemClock,
  random: Math.random,
  redactor,
  runContext: currentRunContext,
  transport: httpTransport,
}).catch((error: unknown) => {
  io.setFailed(`Unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
});
