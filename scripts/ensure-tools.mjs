// Installs the system tools the tests need (Debian packages) when they are missing, so
// `pnpm test` passes on a fresh machine. Needs root (or sudo) to install.
import { execFileSync, spawnSync } from "node:child_process";

const has = (command) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;

/**
 * Tools as command → Debian package. PostgreSQL's own binaries (initdb, postgres) stay in
 * /usr/lib/postgresql/<version>/bin, off the PATH: its `pg_ctlcluster` shows it is there.
 */
const TOOLS = {
  "redis-server": "redis-server",
  chromium: "chromium",
  haproxy: "haproxy",
  pg_ctlcluster: "postgresql",
};

export function ensureTools(tools = TOOLS) {
  const missing = Object.entries(tools).filter(([command]) => !has(command));
  if (missing.length === 0) return;
  const packages = missing.map(([, pkg]) => pkg);
  const root = process.getuid?.() === 0;
  if ((!root && !has("sudo")) || !has("apt-get")) {
    console.error(
      `Missing ${packages.join(", ")}: install it (Debian/Ubuntu: apt-get install -y ${packages.join(" ")}).`,
    );
    process.exit(1);
  }
  console.log(`Installing ${packages.join(", ")} from Debian's packages…`);
  const apt = (...args) => {
    const command = root ? ["apt-get", ...args] : ["sudo", "apt-get", ...args];
    execFileSync(command[0], command.slice(1), {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  };
  apt("update", "-qq");
  apt("install", "-y", "-qq", "--no-install-recommends", ...packages);
}
