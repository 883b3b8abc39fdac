import { spawn } from "node:child_process";
import { createClient } from "redis";
const port = 16398;
let child = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
await new Promise(r => setTimeout(r, 300));
const c = createClient({ url: `redis://127.0.0.1:${port}` });
c.on("error", () => {});
await c.connect();
const s = c.duplicate(); s.on("error", () => {}); await s.connect(); await s.subscribe("x", () => {});
try { console.log("sub ping", await s.ping()); } catch (e) { console.log("sub ping threw", e.message); }
console.log("ping", await c.ping());
child.kill("SIGKILL");
