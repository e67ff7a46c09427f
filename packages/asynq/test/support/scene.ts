// Loads a fixture dump (scene.json / transition before|after) into Redis byte-exact, and dumps Redis
// back in the same format with protobufs decoded, so tests compare structures rather than guesses.
import { Cluster, type Redis } from "ioredis";
import { decodeTaskMessage } from "../../src/internal/base/message.js";
import {
  decodeSchedulerEnqueueEvent,
  decodeSchedulerEntry,
  decodeServerInfo,
  decodeWorkerInfo,
} from "../../src/internal/base/info.js";

/** A byte value in the dump format: UTF-8 text, or base64 (with the decoded protobuf when it is one). */
export type DumpBytes = string | { base64: string; proto?: string; decoded?: Record<string, unknown> };

/** One key of a dump. */
export interface DumpKey {
  type: "string" | "hash" | "list" | "set" | "zset";
  ttl_ms: number;
  asynq_kind?: string;
  value:
    DumpBytes | Record<string, DumpBytes> | DumpBytes[] | { member: DumpBytes; score: number; score_raw: string }[];
}

/** A whole-DB dump, as in the fixtures. */
export interface Dump {
  meta: { taken_at?: string; taken_at_unix_ms: number; [k: string]: unknown };
  keys: Record<string, DumpKey>;
}

/** Dump bytes → Buffer. */
export function bytesOf(v: DumpBytes): Buffer {
  return typeof v === "string" ? Buffer.from(v, "utf8") : Buffer.from(v.base64, "base64");
}

/** Writes every key of `dump` into Redis (the DB should be empty), keeping types, bytes, scores and remaining TTLs. */
export async function loadDump(redis: Redis | Cluster, dump: Pick<Dump, "keys">): Promise<void> {
  for (const [key, k] of Object.entries(dump.keys)) {
    switch (k.type) {
      case "string":
        await redis.set(key, bytesOf(k.value as DumpBytes));
        break;
      case "hash": {
        const fields = Object.entries(k.value as Record<string, DumpBytes>).flatMap(([f, v]) => [f, bytesOf(v)]);
        await redis.hset(key, ...fields);
        break;
      }
      case "list":
        await redis.rpush(key, ...(k.value as DumpBytes[]).map(bytesOf));
        break;
      case "set":
        await redis.sadd(key, ...(k.value as DumpBytes[]).map(bytesOf));
        break;
      case "zset": {
        const items = k.value as { member: DumpBytes; score_raw: string }[];
        await redis.zadd(key, ...items.flatMap((i) => [i.score_raw, bytesOf(i.member)]));
        break;
      }
    }
    if (k.ttl_ms > 0) await redis.pexpire(key, k.ttl_ms);
  }
}

/** The asynq_kind of a key, as the fixtures name them. */
export function kindOf(key: string): string {
  const fixed: Record<string, string> = {
    "asynq:queues": "all_queues_set",
    "asynq:servers": "all_servers_zset",
    "asynq:workers": "all_workers_zset",
    "asynq:schedulers": "all_schedulers_zset",
  };
  if (fixed[key]) return fixed[key];
  if (key.startsWith("asynq:servers:{")) return "server_info";
  if (key.startsWith("asynq:workers:{")) return "workers_hash";
  if (key.startsWith("asynq:schedulers:{")) return "scheduler_entries";
  if (key.startsWith("asynq:scheduler_history:")) return "scheduler_history";
  const m = /^asynq:\{.*?\}:(.*)$/s.exec(key);
  if (!m) return key.startsWith("vigil:") ? "vigil" : "unknown";
  const rest = m[1]!;
  if (rest.startsWith("t:")) return "task";
  if (rest.startsWith("unique:")) return "unique_lock";
  if (rest.startsWith("g:"))
    return /:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(rest)
      ? "aggregation_set"
      : "group_zset";
  if (/^processed:\d{4}-\d\d-\d\d$/.test(rest)) return "processed_daily_counter";
  if (/^failed:\d{4}-\d\d-\d\d$/.test(rest)) return "failed_daily_counter";
  const simple: Record<string, string> = {
    pending: "pending_list",
    active: "active_list",
    lease: "lease_zset",
    scheduled: "scheduled_zset",
    retry: "retry_zset",
    archived: "archived_zset",
    completed: "completed_zset",
    paused: "paused_flag",
    processed: "processed_total_counter",
    failed: "failed_total_counter",
    groups: "groups_set",
    aggregation_sets: "aggregation_sets_zset",
  };
  return simple[rest] ?? "unknown";
}

function plain(b: Buffer): DumpBytes {
  const s = b.toString("utf8");
  // eslint-disable-next-line no-control-regex
  if (Buffer.from(s, "utf8").equals(b) && !/[\u0000-\u001f\u007f]/.test(s)) return s;
  return { base64: b.toString("base64") };
}

function proto(b: Buffer, name: string, decode: (b: Buffer) => object): DumpBytes {
  try {
    return { base64: b.toString("base64"), proto: name, decoded: { ...decode(b) } as Record<string, unknown> };
  } catch {
    return { base64: b.toString("base64"), proto: name };
  }
}

/**
 * Reads the whole DB into the dump format; protobuf values carry `decoded` (Vigil's field names).
 * On a Cluster the keys of every master are read.
 */
export async function dumpRedis(redis: Redis | Cluster, now = Date.now()): Promise<Dump> {
  const keys: string[] = [];
  if (redis instanceof Cluster && redis.status !== "ready") await redis.ping();
  for (const node of redis instanceof Cluster ? redis.nodes("master") : [redis]) {
    let cursor = "0";
    do {
      const [next, batch] = await node.scan(cursor, "COUNT", "1000");
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
  }
  keys.sort();
  const out: Dump = { meta: { taken_at_unix_ms: now }, keys: {} };
  for (const key of keys) {
    const type = (await redis.type(key)) as DumpKey["type"];
    const ttl = await redis.pttl(key);
    const kind = kindOf(key);
    let value: DumpKey["value"];
    switch (type) {
      case "string": {
        const b = (await redis.getBuffer(key)) ?? Buffer.alloc(0);
        value = kind === "server_info" ? proto(b, "asynq.ServerInfo", decodeServerInfo) : plain(b);
        break;
      }
      case "hash": {
        const h = await redis.hgetallBuffer(key);
        const entries = Object.keys(h).sort();
        value = Object.fromEntries(
          entries.map((f) => {
            const b = h[f]!;
            if (kind === "task" && f === "msg") return [f, proto(b, "asynq.TaskMessage", decodeTaskMessage)];
            if (kind === "workers_hash") return [f, proto(b, "asynq.WorkerInfo", decodeWorkerInfo)];
            return [f, plain(b)];
          }),
        );
        break;
      }
      case "list": {
        const items = await redis.lrangeBuffer(key, 0, -1);
        value = items.map((b) =>
          kind === "scheduler_entries" ? proto(b, "asynq.SchedulerEntry", decodeSchedulerEntry) : plain(b),
        );
        break;
      }
      case "set":
        value = (await redis.smembersBuffer(key))
          .map(plain)
          .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
        break;
      case "zset": {
        const flat = await redis.zrangeBuffer(key, "0", "-1", "WITHSCORES");
        const items: { member: DumpBytes; score: number; score_raw: string }[] = [];
        for (let i = 0; i < flat.length; i += 2) {
          const m = flat[i]!;
          const raw = flat[i + 1]!.toString();
          items.push({
            member:
              kind === "scheduler_history"
                ? proto(m, "asynq.SchedulerEnqueueEvent", decodeSchedulerEnqueueEvent)
                : plain(m),
            score: Number(raw),
            score_raw: raw,
          });
        }
        value = items;
        break;
      }
      default:
        continue;
    }
    out.keys[key] = { type, ttl_ms: ttl, asynq_kind: kind, value };
  }
  return out;
}
