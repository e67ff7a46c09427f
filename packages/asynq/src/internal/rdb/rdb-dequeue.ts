// Dequeue (spec §6.2): one script call takes up to N tasks of a queue; replies become DequeuedTask or
// CorruptDequeue. Ids without a task hash are dropped by the script; undecodable messages are archived here.
import type { CorruptDequeue, DequeuedTask } from "../base/broker.js";
import * as keys from "../base/keys.js";
import { decodeTaskMessage, newTaskMessage } from "../base/message.js";
import { archiveCall } from "./rdb-finalize.js";
import { LEASE_SECONDS, redisFailure, toSeconds, type RdbContext } from "./rdb-support.js";
import { replyArray, runScript } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** Most tasks one dequeue script call takes (keeps the Lua stack and the reply small). */
export const DEQUEUE_MAX_BATCH = 500;

/**
 * Takes up to `max` tasks from `queue` (pending → active, lease now + `leaseSeconds`), in dequeue order.
 * A missing hash comes back as a {@link CorruptDequeue} (the script already dropped the id); a msg that does
 * not decode is archived byte for byte and also reported as corrupt.
 */
export async function dequeueFrom(
  ctx: RdbContext,
  queue: string,
  max: number,
  leaseSeconds = LEASE_SECONDS,
): Promise<Array<DequeuedTask | CorruptDequeue>> {
  const op = "broker.dequeue";
  const count = Math.max(1, Math.min(DEQUEUE_MAX_BATCH, Math.floor(max)));
  const nowMs = ctx.clock.nowMs();
  const expiry = toSeconds(nowMs) + leaseSeconds;
  let flat;
  try {
    const reply = await runScript(
      ctx.redis,
      scripts.dequeue,
      [keys.pendingKey(queue), keys.pausedKey(queue), keys.activeKey(queue), keys.leaseKey(queue)],
      [expiry, keys.taskKeyPrefix(queue), count],
    );
    flat = replyArray(reply);
  } catch (e) {
    throw redisFailure(op, e);
  }
  const out: Array<DequeuedTask | CorruptDequeue> = [];
  for (let i = 0; i < flat.length; i += 2) {
    const id = String(flat[i]);
    const raw = flat[i + 1];
    if (!Buffer.isBuffer(raw)) {
      out.push({ corrupt: true, queue, id, reason: "task hash missing or without msg; id dropped from the queue" });
      continue;
    }
    try {
      const msg = decodeTaskMessage(raw);
      out.push({ msg, raw, leaseExpiresAtMs: expiry * 1000 });
    } catch (cause) {
      out.push(await archiveUndecodable(ctx, queue, id, raw, cause));
    }
  }
  return out;
}

/** Archives an active task whose msg does not decode, keeping its bytes, and describes it as corrupt. */
export async function archiveUndecodable(
  ctx: RdbContext,
  queue: string,
  id: string,
  raw: Buffer,
  cause: unknown,
): Promise<CorruptDequeue> {
  const reason = `msg does not decode (${cause instanceof Error ? cause.message : String(cause)})`;
  const stub = newTaskMessage({ type: "", id, queue });
  try {
    const call = archiveCall(stub, reason, ctx.clock.nowMs(), raw);
    await runScript(ctx.redis, call.script, call.keys, call.args);
    return { corrupt: true, queue, id, reason: `${reason}; moved to archived` };
  } catch (e) {
    return {
      corrupt: true,
      queue,
      id,
      reason: `${reason}; archiving failed: ${redisFailure("broker.dequeue", e).message}`,
    };
  }
}
