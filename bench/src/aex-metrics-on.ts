// Aex with metrics(): see ops-app.ts.
import { startOpsBench } from "./ops-app";

startOpsBench({ metrics: true });
