import debug from "debug";

/** Where the guards log refusals and store failures: `DEBUG=aex:guard`. */
export const guardLog = debug("aex:guard");
