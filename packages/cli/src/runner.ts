// The type every command registers with: a wrapper that builds the context, runs the body and maps errors.
import type { CommandContext } from "./context.js";

/** Wraps a command body: builds the context from global flags, runs it, closes connections, returns an exit code. */
/* eslint-disable @typescript-eslint/no-explicit-any -- commander hands each action its own argument tuple */
export type Runner = (
  body: (ctx: CommandContext, ...args: any[]) => Promise<number | void>,
) => (...args: any[]) => Promise<void>;
/* eslint-enable @typescript-eslint/no-explicit-any */
