// Group aggregation on the worker side (spec §11.2, §11.3): the check that cuts an aggregation set out of a
// group, reading and deleting the set, and the plain enqueue of the aggregated task.
import { randomUUID } from "node:crypto";
import { TaskIdConflictError } from "../../errors.js";
import type { AggregationCriteria } from "../base/broker.js";
import * as keys from "../base/keys.js";
import { decodeTaskMessage, encodeTaskMessage, type TaskMessage } from "../base/message.js";
import { unixNanos } from "../clock.js";
import { AGGREGATION_SET_TIMEOUT_SECONDS, toSeconds, wrap, type RdbContext } from "./rdb-support.js";
import { replyArray, replyInt, runScript } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** Names in `asynq:{q}:groups`. */
export async function listGroups(ctx: RdbContext, queue: string): Promise<string[]> {
  return wrap("broker.listGroups", () => ctx.redis.smembers(keys.allGroups(queue)));
}

/**
 * Runs the aggregation check of `group` at now (set deadline now + 120 s); returns the id of the new
 * aggregation set, or null when the criteria are not met.
 */
export async function aggregationCheck(
  ctx: RdbContext,
  queue: string,
  group: string,
  c: AggregationCriteria,
): Promise<string | null> {
  const setId = randomUUID();
  const now = toSeconds(ctx.clock.nowMs());
  const created = await wrap("broker.aggregationCheck", async () =>
    replyInt(
      await runScript(
        ctx.redis,
        scripts.aggregationCheck,
        [
          keys.groupKey(queue, group),
          keys.aggregationSetKey(queue, group, setId),
          keys.allAggregationSets(queue),
          keys.allGroups(queue),
        ],
        [c.maxSize, c.maxDelaySeconds, c.gracePeriodSeconds, now + AGGREGATION_SET_TIMEOUT_SECONDS, now, group],
      ),
    ),
  );
  return created === 1 ? setId : null;
}

/**
 * The messages of an aggregation set (members without a hash are skipped; undecodable ones too) and its
 * deadline in epoch ms (0 when the set is not registered in aggregation_sets).
 */
export async function readAggregationSet(
  ctx: RdbContext,
  queue: string,
  group: string,
  setId: string,
): Promise<{ msgs: TaskMessage[]; deadlineMs: number }> {
  const flat = await wrap("broker.readAggregationSet", async () =>
    replyArray(
      await runScript(
        ctx.redis,
        scripts.readAggregationSet,
        [keys.aggregationSetKey(queue, group, setId), keys.allAggregationSets(queue)],
        [keys.taskKeyPrefix(queue)],
      ),
    ),
  );
  const msgs: TaskMessage[] = [];
  for (const raw of flat.slice(1)) {
    if (!Buffer.isBuffer(raw)) continue;
    try {
      msgs.push(decodeTaskMessage(raw));
    } catch {
      // Skipped: the aggregator cannot hand an undecodable task to the user's function.
    }
  }
  const deadline = flat[0];
  return { msgs, deadlineMs: Buffer.isBuffer(deadline) ? Number(deadline.toString()) * 1000 : 0 };
}

/** Deletes an aggregation set, its member task hashes and its registration. */
export async function deleteAggregationSet(
  ctx: RdbContext,
  queue: string,
  group: string,
  setId: string,
): Promise<void> {
  await wrap("broker.deleteAggregationSet", () =>
    runScript(
      ctx.redis,
      scripts.deleteAggregationSet,
      [keys.aggregationSetKey(queue, group, setId), keys.allAggregationSets(queue)],
      [keys.taskKeyPrefix(queue)],
    ),
  );
}

/**
 * Plain enqueue of `msg` into pending (spec §5.2, §11.3 step 2): SADD asynq:queues, the enqueue script with
 * pending_since = now, and a wake-up for idle Vigil servers (one round trip). Throws {@link TaskIdConflictError} when the id
 * is taken.
 */
export async function enqueue(ctx: RdbContext, msg: TaskMessage): Promise<void> {
  const q = msg.queue;
  const [, reply] = await wrap("broker.enqueue", () =>
    Promise.all([
      ctx.redis.sadd(keys.allQueues, q),
      runScript(
        ctx.redis,
        scripts.enqueue,
        [keys.taskKey(q, msg.id), keys.pendingKey(q)],
        [encodeTaskMessage(msg), msg.id, unixNanos(ctx.clock)],
      ),
      ctx.redis.publish(keys.wakeChannel(q), ""),
    ]),
  );
  if (replyInt(reply) === 0) throw new TaskIdConflictError("broker.enqueue", q, msg.id);
}
