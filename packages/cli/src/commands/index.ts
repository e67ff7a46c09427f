// Every `vigil` command, registered in one place.
import type { Command } from "commander";
import type { Runner } from "../runner.js";
import { registerQueue } from "./queue.js";
import { registerTask } from "./task.js";
import { registerTaskExtras } from "./task-extras.js";
import { registerEnqueue } from "./enqueue.js";
import { registerFleet } from "./cluster-info.js";
import { registerDash } from "./dash.js";
import { registerCronMonitor } from "./cron-monitor.js";
import { registerTransfer } from "./transfer.js";
import { registerSearch } from "./search.js";
import { registerCompletion } from "./completion.js";

/** Adds all commands to the program. */
export function registerCommands(program: Command, run: Runner): void {
  registerFleet(program, run);
  registerCronMonitor(program, run); // after registerFleet: adds to its `cron` command
  registerQueue(program, run);
  registerTask(program, run);
  registerTaskExtras(program, run); // after registerTask: adds to its `task` command
  registerEnqueue(program, run);
  registerDash(program, run);
  registerTransfer(program, run);
  registerSearch(program, run);
  registerCompletion(program, run);
}
