// Background upkeep of the worker side: forwarder (spec §6.8), recoverer listing and aggregation-set
// reclaim (§6.9, §11.4) and janitor (§6.10). Each is idempotent and safe next to Go servers.
import * as keys from "../base/keys.js";
import { decodeTaskMessage, type TaskMessage } from "../base/message.js";
import { unixNanos } from "../clock.js";
import { archiveUndecodable } from "./rdb-dequeue.js";
import { FORWARD_BATCH, toSeconds, wrap, type RdbContext } from "./rdb-support.js";
import { replyArray, replyInt, runScript } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/**
 * Moves due tasks of `queue` from scheduled, then retry, to pending (or back into their group), calling the
 * script until a call handles less than a full batch. Returns how many ids were handled.
 */
export async function forward(ctx: RdbContext, queue: string): Promise<number> {
  let total = 0;
  for (const source of [keys.scheduledKey(queue), keys.retryKey(queue)]) {
    for (;;) {
      const nowMs = ctx.clock.nowMs();
      const n = await wrap("broker.forward", async () =>
        replyInt(
          await runScript(
            ctx.redis,
            scripts.forward,
            [source, keys.pendingKey(queue)],
            [
              toSeconds(nowMs),
              keys.taskKeyPrefix(queue),
              unixNanos(ctx.clock),
              keys.groupKeyPrefix(queue),
              keys.wakeChannel(queue),
              FORWARD_BATCH,
            ],
          ),
        ),
      );
      total += n;
      if (n < FORWARD_BATCH) break;
    }
  }
  return total;
}

/**
 * Messages of active tasks whose lease expired at or before `cutoffMs`, over all `queues` in one round trip.
 * Ids without a hash or msg are skipped (and cleaned out of active/lease by the script); a msg that does
 * not decode is archived byte for byte instead of being returned.
 */
export async function listLeaseExpired(
  ctx: RdbContext,
  queues: readonly string[],
  cutoffMs: number,
): Promise<TaskMessage[]> {
  const cutoff = toSeconds(cutoffMs);
  const replies = await wrap("broker.listLeaseExpired", () =>
    Promise.all(
      queues.map((q) =>
        runScript(
          ctx.redis,
          scripts.listLeaseExpired,
          [keys.leaseKey(q), keys.activeKey(q)],
          [cutoff, keys.taskKeyPrefix(q)],
        ),
      ),
    ),
  );
  const out: TaskMessage[] = [];
  for (const [i, reply] of replies.entries()) {
    const flat = replyArray(reply);
    for (let k = 0; k < flat.length; k += 2) {
      const raw = flat[k + 1];
      if (!Buffer.isBuffer(raw)) continue;
      try {
        out.push(decodeTaskMessage(raw));
      } catch (cause) {
        await archiveUndecodable(ctx, queues[i]!, String(flat[k]), raw, cause);
      }
    }
  }
  return out;
}

/** Puts members of aggregation sets of `queue` past their deadline back into their groups; returns the set count. */
export async function reclaimStaleAggregationSets(ctx: RdbContext, queue: string): Promise<number> {
  return wrap("broker.reclaimStaleAggregationSets", async () =>
    replyInt(
      await runScript(
        ctx.redis,
        scripts.reclaimStaleAggregationSets,
        [keys.allAggregationSets(queue)],
        [toSeconds(ctx.clock.nowMs())],
      ),
    ),
  );
}

/** Deletes up to `batchSize` completed tasks of `queue` whose retention ran out; returns how many. */
export async function deleteExpiredCompletedTasks(ctx: RdbContext, queue: string, batchSize: number): Promise<number> {
  return wrap("broker.deleteExpiredCompletedTasks", async () =>
    replyInt(
      await runScript(
        ctx.redis,
        scripts.deleteExpiredCompleted,
        [keys.completedKey(queue)],
        [toSeconds(ctx.clock.nowMs()), keys.taskKeyPrefix(queue), batchSize],
      ),
    ),
  );
}
