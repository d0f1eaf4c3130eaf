import { faultSuite } from "./fault-cases.js";

faultSuite("restore-snapshot");
