// Broker side of shared rate limits: take start slots from a limit's sliding window (Redis time), put tasks
// over the limit back as scheduled until their reserved slot, and release them to pending on time.
import type { DeferItem, RateLimitSpec } from "../base/extras.js";
import * as keys from "../base/keys.js";
import { unixNanos } from "../clock.js";
import { wrap, type RdbContext } from "./rdb-support.js";
import { replyArray, replyInt, runScript } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/**
 * Asks `spec`'s window for a start slot for each id (in order): 0 = start now (counted), N > 0 = wait N ms
 * (a slot is reserved for that id; asking again at or after it uses the reservation).
 */
export async function acquireRateLimit(
  ctx: RdbContext,
  spec: RateLimitSpec,
  ids: readonly string[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const reply = await wrap("broker.acquireRateLimit", () =>
    runScript(ctx.redis, scripts.rateLimitAcquire, [keys.rateLimitKey(spec)], [spec.limit, spec.perMs, ...ids]),
  );
  return replyArray(reply).map((r) => replyInt(r));
}

/**
 * Moves active tasks of `queue` to scheduled until their slot, without rewriting their message or counters.
 * Returns, per item, whether it was deferred (false: it was not active under a lease any more).
 */
export async function deferTasks(ctx: RdbContext, queue: string, items: readonly DeferItem[]): Promise<boolean[]> {
  if (items.length === 0) return [];
  const args: (string | number)[] = [keys.taskKeyPrefix(queue)];
  for (const it of items) args.push(it.id, Math.ceil(it.untilMs / 1000));
  const reply = await wrap("broker.deferTasks", () =>
    runScript(
      ctx.redis,
      scripts.rateDefer,
      [keys.activeKey(queue), keys.leaseKey(queue), keys.scheduledKey(queue)],
      args,
    ),
  );
  return replyArray(reply).map((r) => replyInt(r) === 1);
}

/** Moves deferred tasks still in scheduled to the head of pending and wakes idle servers; returns how many. */
export async function releaseDeferred(ctx: RdbContext, queue: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const reply = await wrap("broker.releaseDeferred", () =>
    runScript(
      ctx.redis,
      scripts.rateRelease,
      [keys.scheduledKey(queue), keys.pendingKey(queue)],
      [keys.taskKeyPrefix(queue), unixNanos(ctx.clock), keys.wakeChannel(queue), ...ids],
    ),
  );
  return replyInt(reply);
}
