// Public entry of @vigil/cli: run the CLI in-process (tests, embedding) or from the real process.
export { runCli } from "./cli.js";
export { main } from "./main.js";
export type { CliIo } from "./io.js";
export { EXIT } from "./errors.js";
