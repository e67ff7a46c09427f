// Every refusal of the Inspector's mutations throws the right typed error and leaves Redis byte-for-byte unchanged.
import { describe, expect, it } from "vitest";
import {
  isCorruptRecordError,
  isFailedPreconditionError,
  isInvalidOptionError,
  isQueueNotEmptyError,
  isQueueNotFoundError,
  isTaskNotFoundError,
} from "../src/errors.js";
import { Inspector } from "../src/inspector.js";
import * as keys from "../src/internal/base/keys.js";
import { SimulatedClock } from "../src/internal/clock.js";
import { useTestRedis } from "./support/redis.js";
import { dumpRedis } from "./support/scene.js";
import { seed, type MutationSeed } from "./support/mutation-seed.js";

const t = useTestRedis();
const q = "default";
const task = (state: MutationSeed["state"], id: string = state, extra: Partial<MutationSeed> = {}): MutationSeed => ({
  queue: q,
  id,
  state,
  ...extra,
});

interface Case {
  name: string;
  seed?: MutationSeed[];
  /** Raw setup after seeding (e.g. break an invariant). */
  setup?: () => Promise<unknown>;
  run: (i: Inspector) => Promise<unknown>;
  is: (e: unknown) => boolean;
  message?: RegExp;
}

const notEmptyStates = ["pending", "scheduled", "retry", "archived", "active"] as const;

const cases: Case[] = [
  // runTask
  { name: "runTask: unknown queue", run: (i) => i.runTask("nope", "x"), is: isQueueNotFoundError },
  { name: "runTask: missing task", seed: [task("pending")], run: (i) => i.runTask(q, "x"), is: isTaskNotFoundError },
  {
    name: "runTask: pending task",
    seed: [task("pending")],
    run: (i) => i.runTask(q, "pending"),
    is: isFailedPreconditionError,
    message: /already in pending state/,
  },
  {
    name: "runTask: active task",
    seed: [task("active")],
    run: (i) => i.runTask(q, "active"),
    is: isFailedPreconditionError,
    message: /already running/,
  },
  {
    name: "runTask: hash says scheduled but the id is not in the scheduled zset",
    seed: [task("scheduled"), task("scheduled", "other")],
    setup: () => t.redis().zrem(keys.scheduledKey(q), "scheduled"),
    run: (i) => i.runTask(q, "scheduled"),
    is: isCorruptRecordError,
  },
  {
    name: "runTask: aggregating task missing from its group",
    seed: [task("aggregating", "a", { group: "g" }), task("aggregating", "b", { group: "g" })],
    setup: () => t.redis().zrem(keys.groupKey(q, "g"), "a"),
    run: (i) => i.runTask(q, "a"),
    is: isCorruptRecordError,
  },
  // archiveTask
  { name: "archiveTask: unknown queue", run: (i) => i.archiveTask("nope", "x"), is: isQueueNotFoundError },
  {
    name: "archiveTask: missing task",
    seed: [task("retry")],
    run: (i) => i.archiveTask(q, "x"),
    is: isTaskNotFoundError,
  },
  {
    name: "archiveTask: active task",
    seed: [task("active")],
    run: (i) => i.archiveTask(q, "active"),
    is: isFailedPreconditionError,
    message: /cannot archive task in active state/,
  },
  {
    name: "archiveTask: archived task",
    seed: [task("archived")],
    run: (i) => i.archiveTask(q, "archived"),
    is: isFailedPreconditionError,
    message: /already archived/,
  },
  {
    name: "archiveTask: hash says pending but the id is not in the pending list",
    seed: [task("pending"), task("pending", "other")],
    setup: () => t.redis().lrem(keys.pendingKey(q), 0, "pending"),
    run: (i) => i.archiveTask(q, "pending"),
    is: isCorruptRecordError,
  },
  // deleteTask
  { name: "deleteTask: unknown queue", run: (i) => i.deleteTask("nope", "x"), is: isQueueNotFoundError },
  {
    name: "deleteTask: missing task",
    seed: [task("archived")],
    run: (i) => i.deleteTask(q, "x"),
    is: isTaskNotFoundError,
  },
  {
    name: "deleteTask: active task",
    seed: [task("active")],
    run: (i) => i.deleteTask(q, "active"),
    is: isFailedPreconditionError,
    message: /cannot delete task in active state/,
  },
  // updateTaskPayload
  {
    name: "updateTaskPayload: unknown queue",
    run: (i) => i.updateTaskPayload("nope", "x", "{}"),
    is: isQueueNotFoundError,
  },
  {
    name: "updateTaskPayload: missing task",
    seed: [task("scheduled")],
    run: (i) => i.updateTaskPayload(q, "x", "{}"),
    is: isTaskNotFoundError,
  },
  ...(["pending", "retry", "archived", "completed", "active"] as const).map((state): Case => ({
    name: `updateTaskPayload: ${state} task`,
    seed: [task(state)],
    run: (i) => i.updateTaskPayload(q, state, "{}"),
    is: isFailedPreconditionError,
    message: /not in scheduled state/,
  })),
  {
    name: "updateTaskPayload: undecodable msg",
    seed: [task("scheduled")],
    setup: () => t.redis().hset(keys.taskKey(q, "scheduled"), "msg", Buffer.from([0xff, 0xff, 0xff])),
    run: (i) => i.updateTaskPayload(q, "scheduled", "{}"),
    is: isCorruptRecordError,
  },
  // pause / unpause
  {
    name: "pauseQueue: already paused",
    setup: () => t.redis().set(keys.pausedKey(q), "1700000000"),
    run: (i) => i.pauseQueue(q),
    is: isFailedPreconditionError,
    message: /queue "default" is already paused/,
  },
  {
    name: "unpauseQueue: not paused",
    seed: [task("pending")],
    run: (i) => i.unpauseQueue(q),
    is: isFailedPreconditionError,
    message: /queue "default" is not paused/,
  },
  // deleteQueue
  { name: "deleteQueue: unknown queue", run: (i) => i.deleteQueue("nope", false), is: isQueueNotFoundError },
  { name: "deleteQueue(force): unknown queue", run: (i) => i.deleteQueue("nope", true), is: isQueueNotFoundError },
  ...notEmptyStates.map((state): Case => ({
    name: `deleteQueue: one ${state} task`,
    seed: [task(state), task("completed", "c")],
    run: (i) => i.deleteQueue(q, false),
    is: isQueueNotEmptyError,
  })),
  {
    name: "deleteQueue(force): an active task",
    seed: [task("active"), task("pending"), task("scheduled"), task("retry"), task("archived")],
    run: (i) => i.deleteQueue(q, true),
    is: isFailedPreconditionError,
    message: /cannot remove queue with active tasks/,
  },
  // bulk operations on an unknown queue
  ...(
    [
      "runAllScheduledTasks",
      "runAllRetryTasks",
      "runAllArchivedTasks",
      "archiveAllPendingTasks",
      "archiveAllScheduledTasks",
      "archiveAllRetryTasks",
      "deleteAllPendingTasks",
      "deleteAllScheduledTasks",
      "deleteAllRetryTasks",
      "deleteAllArchivedTasks",
      "deleteAllCompletedTasks",
    ] as const
  ).map((m): Case => ({ name: `${m}: unknown queue`, run: (i) => i[m]("nope"), is: isQueueNotFoundError })),
  ...(["runAllAggregatingTasks", "archiveAllAggregatingTasks", "deleteAllAggregatingTasks"] as const).flatMap(
    (m): Case[] => [
      { name: `${m}: unknown queue`, run: (i) => i[m]("nope", "g"), is: isQueueNotFoundError },
      {
        name: `${m}: blank group`,
        seed: [task("aggregating", "a", { group: "g" })],
        run: (i) => i[m](q, " "),
        is: isInvalidOptionError,
      },
    ],
  ),
  // blank arguments
  { name: "runTask: blank queue", run: (i) => i.runTask("", "x"), is: isInvalidOptionError },
  { name: "deleteTask: blank id", seed: [task("pending")], run: (i) => i.deleteTask(q, ""), is: isInvalidOptionError },
  { name: "pauseQueue: blank queue", run: (i) => i.pauseQueue(""), is: isInvalidOptionError },
  { name: "cancelProcessing: blank id", run: (i) => i.cancelProcessing(""), is: isInvalidOptionError },
];

describe("Inspector mutation refusals leave Redis unchanged", () => {
  it.each(cases)("$name", async (c) => {
    await seed(t.redis(), c.seed ?? []);
    await c.setup?.();
    const before = await dumpRedis(t.redis(), 0);
    const inspector = new Inspector(t.redis(), { clock: new SimulatedClock(1_800_000_000_000) });

    const error = await c.run(inspector).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error, "the call should have failed").toBeDefined();
    expect(c.is(error), String(error)).toBe(true);
    if (c.message) expect((error as Error).message).toMatch(c.message);
    expect((error as { op?: string }).op).toMatch(/^inspector\./);
    expect((await dumpRedis(t.redis(), 0)).keys).toEqual(before.keys);
  });
});
