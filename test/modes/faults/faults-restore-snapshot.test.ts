// One route's fault suite, in a file of its own so that vitest runs it beside the others: see
// fault-cases.ts.
import { faultSuite } from "./fault-cases.js";

faultSuite("restore-snapshot");
