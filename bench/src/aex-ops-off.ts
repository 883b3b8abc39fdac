// Aex with neither compress() nor metrics(): see ops-app.ts.
import { startOpsBench } from "./ops-app";

startOpsBench({});
