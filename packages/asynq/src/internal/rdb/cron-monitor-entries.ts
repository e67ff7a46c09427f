// Which cron entries exist for the monitor: those heartbeating schedulers publish now, plus those it
// remembers in vigil:cron:known (so a stopped scheduler shows as down instead of vanishing).
import { decodeSchedulerEntry } from "../base/info.js";
import * as keys from "../base/keys.js";
import type { RedisConnection } from "./run-script.js";

/** Remembered entries not seen published for this long are forgotten. */
export const FORGET_AFTER_MS = 7 * 24 * 3600 * 1000;

/** An entry as the monitor knows it (the JSON in vigil:cron:known, payload base64 there). */
export interface KnownEntry {
  id: string;
  /** `host:pid:uuid` of the scheduler that published it last. */
  schedulerId: string;
  spec: string;
  taskType: string;
  payload: Uint8Array;
  optionStrings: string[];
  nextMs: number | null;
  prevMs: number | null;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Published now by a heartbeating scheduler. */
  live: boolean;
}

const [ENTRIES_PREFIX, ENTRIES_SUFFIX] = keys.schedulerEntriesKey("\u0000").split("\u0000") as [string, string];

/** The scheduler id inside an entries key (`asynq:schedulers:{id}`), or undefined for another key. */
export function schedulerIdOfKey(key: string): string | undefined {
  const ok =
    key.startsWith(ENTRIES_PREFIX) &&
    key.endsWith(ENTRIES_SUFFIX) &&
    key.length >= ENTRIES_PREFIX.length + ENTRIES_SUFFIX.length;
  return ok ? key.slice(ENTRIES_PREFIX.length, key.length - ENTRIES_SUFFIX.length) : undefined;
}

function toJson(e: KnownEntry): string {
  const { live: _live, payload, ...rest } = e;
  return JSON.stringify({ ...rest, payload: Buffer.from(payload).toString("base64") });
}

function fromJson(id: string, json: string): KnownEntry | undefined {
  try {
    const v = JSON.parse(json) as Partial<Record<keyof KnownEntry, unknown>>;
    const n = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
    if (typeof v.spec !== "string" || typeof v.taskType !== "string" || n(v.lastSeenMs) === null) return undefined;
    return {
      id,
      schedulerId: typeof v.schedulerId === "string" ? v.schedulerId : "",
      spec: v.spec,
      taskType: v.taskType,
      payload: Buffer.from(typeof v.payload === "string" ? v.payload : "", "base64"),
      optionStrings: Array.isArray(v.optionStrings) ? v.optionStrings.filter((s) => typeof s === "string") : [],
      nextMs: n(v.nextMs),
      prevMs: n(v.prevMs),
      firstSeenMs: n(v.firstSeenMs) ?? n(v.lastSeenMs)!,
      lastSeenMs: n(v.lastSeenMs)!,
      live: false,
    };
  } catch {
    return undefined;
  }
}

/** Same spec, type, payload and option strings: a restarted Go scheduler republishes an entry under a new id. */
function identity(e: Pick<KnownEntry, "spec" | "taskType" | "payload" | "optionStrings">): string {
  return JSON.stringify([e.spec, e.taskType, Buffer.from(e.payload).toString("base64"), [...e.optionStrings].sort()]);
}

/**
 * Every entry to report, live ones first in publication order. Published entries are live. A remembered entry
 * that is not published stays live while its scheduler still heartbeats with an empty or missing list (Go
 * ≤ v0.24 lets the list expire between beats); it is forgotten when its scheduler publishes a list without it
 * (unregistered), when a live entry has the same identity (the scheduler restarted under a new id), or when not
 * seen for {@link FORGET_AFTER_MS}; otherwise it is reported not live (scheduler down).
 * With `remember`, vigil:cron:known is updated (live entries upserted with lastSeenMs, forgotten ones removed).
 */
export async function readCronEntries(redis: RedisConnection, nowMs: number, remember: boolean): Promise<KnownEntry[]> {
  const [listKeys, knownHash] = await Promise.all([
    redis.zrangebyscore(keys.allSchedulers, Math.floor(nowMs / 1000), "+inf"),
    redis.hgetall(keys.cronKnownEntries),
  ]);
  const lists = await Promise.all(listKeys.map((k) => redis.lrangeBuffer(k, 0, -1)));
  const known = new Map<string, KnownEntry>();
  for (const [id, json] of Object.entries(knownHash)) {
    const k = fromJson(id, json);
    if (k) known.set(id, k);
  }
  const published = new Map<string, KnownEntry>();
  const listed = new Map<string, Set<string>>(); // scheduler id → entry ids it publishes (empty: list gap)
  listKeys.forEach((key, i) => {
    const schedulerId = schedulerIdOfKey(key) ?? key;
    const ids = new Set<string>();
    listed.set(schedulerId, ids);
    for (const bytes of lists[i]!) {
      try {
        const d = decodeSchedulerEntry(bytes);
        ids.add(d.id);
        if (published.has(d.id)) continue;
        const before = known.get(d.id);
        published.set(d.id, {
          id: d.id,
          schedulerId,
          spec: d.spec,
          taskType: d.taskType,
          payload: d.taskPayload,
          optionStrings: d.enqueueOptions,
          nextMs: d.nextEnqueueTime?.getTime() ?? null,
          prevMs: d.prevEnqueueTime?.getTime() ?? null,
          firstSeenMs: Math.min(before?.firstSeenMs ?? nowMs, nowMs),
          lastSeenMs: nowMs,
          live: true,
        });
      } catch {
        // `Inspector.schedulerEntries` reports undecodable entries; there is nothing to monitor in one.
      }
    }
  });
  const liveIdentities = new Set([...published.values()].map(identity));
  const out = [...published.values()];
  const forget: string[] = [];
  for (const k of known.values()) {
    if (published.has(k.id)) continue;
    const ids = listed.get(k.schedulerId);
    if (ids !== undefined && ids.size === 0) out.push({ ...k, live: true, lastSeenMs: nowMs });
    else if (ids !== undefined || liveIdentities.has(identity(k)) || nowMs - k.lastSeenMs > FORGET_AFTER_MS)
      forget.push(k.id);
    else out.push(k);
  }
  if (remember) {
    const live = out.filter((e) => e.live);
    if (live.length > 0)
      await redis.hset(keys.cronKnownEntries, Object.fromEntries(live.map((e) => [e.id, toJson(e)])));
    if (forget.length > 0) await redis.hdel(keys.cronKnownEntries, ...forget);
  }
  return out;
}
