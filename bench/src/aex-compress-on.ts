// Aex with compress(): see ops-app.ts.
import { startOpsBench } from "./ops-app";

startOpsBench({ compress: true });
