import { faultSuite } from "./fault-cases.js";

faultSuite("list-snapshots");
