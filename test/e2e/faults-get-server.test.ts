import { faultSuite } from "./fault-cases.js";

faultSuite("get-server");
