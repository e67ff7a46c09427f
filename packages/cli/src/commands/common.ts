// Helpers shared by commands: argument validation and confirmation of destructive operations.
import { TASK_STATES, type TaskState } from "@vigil/asynq";
import type { CommandContext } from "../context.js";
import { AbortedError, UsageError } from "../errors.js";

/** Parses an integer option within [min, max] or throws a UsageError naming the option. */
export function intOption(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return n;
}

/** Checks a task state name against the accepted ones. */
export function stateOption(value: string | undefined, accepted: readonly TaskState[] = TASK_STATES): TaskState {
  if (!value || !(accepted as readonly string[]).includes(value))
    throw new UsageError(`--state must be one of ${accepted.join(", ")} (got ${JSON.stringify(value ?? "")})`);
  return value as TaskState;
}

/** Asks before a destructive operation unless --yes; throws AbortedError when declined or not a terminal. */
export async function confirmOrAbort(ctx: CommandContext, question: string): Promise<void> {
  if (ctx.yes) return;
  if (!(await ctx.io.confirm(question)))
    throw new AbortedError(`not confirmed: ${question} (pass --yes to run without asking)`);
}

/** Requires a value for an option that commander left optional (so the message names the flag). */
export function required<T>(value: T | undefined, flag: string, example: string): T {
  if (value === undefined || value === "") throw new UsageError(`${flag} is required (example: ${example})`);
  return value;
}
