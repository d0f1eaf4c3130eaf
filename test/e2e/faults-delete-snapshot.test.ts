import { faultSuite } from "./fault-cases.js";

faultSuite("delete-snapshot");
