import { faultSuite } from "./fault-cases.js";

faultSuite("create-snapshot");
