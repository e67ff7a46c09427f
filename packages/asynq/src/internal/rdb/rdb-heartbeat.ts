// Heartbeat writes of servers (spec §6.3, §7.1, §7.2) and schedulers (§9.3): server/worker records, lease
// extension, scheduler entries and enqueue history. Commands of one call are sent back to back (one round trip).
import type { Heartbeat } from "../base/broker.js";
import {
  encodeSchedulerEnqueueEvent,
  encodeSchedulerEntry,
  encodeServerInfo,
  encodeWorkerInfo,
  type SchedulerEnqueueEventRecord,
  type SchedulerEntryRecord,
} from "../base/info.js";
import * as keys from "../base/keys.js";
import { LEASE_SECONDS, SCHEDULER_HISTORY_CAP, toSeconds, wrap, type RdbContext } from "./rdb-support.js";
import { runScript, type ScriptArg } from "./run-script.js";
import { scripts } from "./scripts/index.gen.js";

/** §7.1: ZADD asynq:servers, ZADD asynq:workers, then the script (SETEX info, rebuild the workers hash). */
export async function writeServerState(ctx: RdbContext, beat: Heartbeat): Promise<void> {
  const { host, pid, serverId } = beat.server;
  const serverKey = keys.serverInfoKey(host, pid, serverId);
  const workersKey = keys.workersKey(host, pid, serverId);
  const expiry = toSeconds(ctx.clock.nowMs()) + beat.ttlSeconds;
  const args: ScriptArg[] = [beat.ttlSeconds, encodeServerInfo(beat.server)];
  for (const w of beat.workers) args.push(w.taskId, encodeWorkerInfo(w));
  await wrap("broker.writeServerState", () =>
    Promise.all([
      ctx.redis.zadd(keys.allServers, expiry, serverKey),
      ctx.redis.zadd(keys.allWorkers, expiry, workersKey),
      runScript(ctx.redis, scripts.writeServerState, [serverKey, workersKey], args),
    ]),
  );
}

/** §7.2: ZREM from asynq:servers and asynq:workers, then DEL the server info and workers hash. */
export async function clearServerState(ctx: RdbContext, host: string, pid: number, serverId: string): Promise<void> {
  const serverKey = keys.serverInfoKey(host, pid, serverId);
  const workersKey = keys.workersKey(host, pid, serverId);
  await wrap("broker.clearServerState", () =>
    Promise.all([
      ctx.redis.zrem(keys.allServers, serverKey),
      ctx.redis.zrem(keys.allWorkers, workersKey),
      runScript(ctx.redis, scripts.clearServerState, [serverKey, workersKey], []),
    ]),
  );
}

/** §6.3: `ZADD lease XX <now+lease> id ...`; returns the new expiry in epoch ms (also when `ids` is empty). */
export async function extendLeases(
  ctx: RdbContext,
  queue: string,
  ids: readonly string[],
  leaseSeconds = LEASE_SECONDS,
): Promise<number> {
  const expiry = toSeconds(ctx.clock.nowMs()) + leaseSeconds;
  if (ids.length > 0) {
    const args: (string | number)[] = [];
    for (const id of ids) args.push(expiry, id);
    await wrap("broker.extendLeases", () => ctx.redis.zadd(keys.leaseKey(queue), "XX", ...args));
  }
  return expiry * 1000;
}

/** §9.3: ZADD asynq:schedulers <now+ttl>, then the script replacing the entries list (TTL `ttlSeconds`). */
export async function writeSchedulerEntries(
  ctx: RdbContext,
  schedulerId: string,
  entries: readonly SchedulerEntryRecord[],
  ttlSeconds: number,
): Promise<void> {
  const key = keys.schedulerEntriesKey(schedulerId);
  const expiry = toSeconds(ctx.clock.nowMs()) + ttlSeconds;
  await wrap("broker.writeSchedulerEntries", () =>
    Promise.all([
      ctx.redis.zadd(keys.allSchedulers, expiry, key),
      runScript(ctx.redis, scripts.writeSchedulerEntries, [key], [ttlSeconds, ...entries.map(encodeSchedulerEntry)]),
    ]),
  );
}

/** §9.3 shutdown: ZREM asynq:schedulers + DEL the entries list, then DEL each entry's history. */
export async function clearSchedulerEntries(
  ctx: RdbContext,
  schedulerId: string,
  entryIds: readonly string[],
): Promise<void> {
  const key = keys.schedulerEntriesKey(schedulerId);
  await wrap("broker.clearSchedulerEntries", () =>
    Promise.all([
      ctx.redis.zrem(keys.allSchedulers, key),
      ctx.redis.del(key),
      ...entryIds.map((id) => ctx.redis.del(keys.schedulerHistoryKey(id))),
    ]),
  );
}

/** §9.3: adds one enqueue event (score = its unix seconds; now when it has no time), keeping the newest 1 000. */
export async function recordSchedulerEnqueueEvent(
  ctx: RdbContext,
  entryId: string,
  event: SchedulerEnqueueEventRecord,
): Promise<void> {
  const at = toSeconds(event.enqueueTime?.getTime() ?? ctx.clock.nowMs());
  await wrap("broker.recordSchedulerEnqueueEvent", () =>
    runScript(
      ctx.redis,
      scripts.recordSchedulerEvent,
      [keys.schedulerHistoryKey(entryId)],
      [at, encodeSchedulerEnqueueEvent(event), SCHEDULER_HISTORY_CAP],
    ),
  );
}
