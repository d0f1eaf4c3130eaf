import { run as runMain } from "./main.js";
import { run as runPost } from "./post.js";
import { actionDeps } from "./step.js";
import { isPostStep } from "./workflow/rollback-handoff.js";

// The only top-level code: one bundle serves the main and the post step; the state that the main
// step saved tells them apart.
const deps = actionDeps();
await (isPostStep(deps.io.getState) ? runPost : runMain)(deps);
