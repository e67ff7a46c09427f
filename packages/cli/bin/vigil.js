#!/usr/bin/env node
// The `vigil` executable: runs the compiled CLI with the real process IO.
import { main } from "../dist/main.js";

process.exitCode = await main(process.argv.slice(2));
