// Reads the records a server-side transition needs out of a fixture dump: task messages, heartbeat records
// and server/scheduler identities, decoded with Vigil's codecs (keys found by kind, never built by hand).
import type { Heartbeat } from "../../src/internal/base/broker.js";
import {
  decodeSchedulerEntry,
  decodeServerInfo,
  decodeWorkerInfo,
  type SchedulerEntryRecord,
} from "../../src/internal/base/info.js";
import * as keys from "../../src/internal/base/keys.js";
import { decodeTaskMessage, type TaskMessage } from "../../src/internal/base/message.js";
import type { Transition } from "./fixtures.js";
import { bytesOf, kindOf, type Dump, type DumpBytes } from "./scene.js";

/** The decoded msg of task `id` of queue `q` in `dump`. */
export function taskMsg(dump: Dump, q: string, id: string): TaskMessage {
  const k = dump.keys[keys.taskKey(q, id)];
  if (!k) throw new Error(`no task hash for ${id} in the dump`);
  return decodeTaskMessage(bytesOf((k.value as Record<string, DumpBytes>).msg!));
}

/** Every task message in `dump`. */
export function allTaskMsgs(dump: Dump): TaskMessage[] {
  return Object.entries(dump.keys)
    .filter(([key, k]) => kindOf(key) === "task" && (k.value as Record<string, DumpBytes>).msg)
    .map(([, k]) => decodeTaskMessage(bytesOf((k.value as Record<string, DumpBytes>).msg!)));
}

/** The messages of tasks in `dump` whose ids are not in `before` (tasks created by the operation). */
export function newTaskMsgs(tr: Transition): TaskMessage[] {
  const old = new Set(allTaskMsgs(tr.before).map((m) => m.id));
  return allTaskMsgs(tr.after).filter((m) => !old.has(m.id));
}

/** The ids in the active list of queue `q` in `dump`. */
export function activeIds(dump: Dump, q: string): string[] {
  const k = dump.keys[keys.activeKey(q)];
  return k ? (k.value as DumpBytes[]).map((v) => bytesOf(v).toString()) : [];
}

/** The one key of `kind` in `dump` (throws when there is not exactly one). */
export function onlyKey(dump: Dump, kind: string): string {
  const found = Object.keys(dump.keys).filter((key) => kindOf(key) === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} key, found ${found.length}`);
  return found[0]!;
}

/** Every key of `kind` in `dump`. */
export function keysOfKind(dump: Dump, kind: string): string[] {
  return Object.keys(dump.keys).filter((key) => kindOf(key) === kind);
}

/** The text between the braces of a `…:{<tag>}` key. */
export function hashTag(key: string): string {
  const m = /\{(.*)\}$/.exec(key);
  if (!m) throw new Error(`no hash tag in ${key}`);
  return m[1]!;
}

/** host, pid and server id of the one server heartbeat in `dump`. */
export function serverIdentity(dump: Dump): { host: string; pid: number; serverId: string } {
  const s = decodeServerInfo(bytesOf(dump.keys[onlyKey(dump, "server_info")]!.value as DumpBytes));
  return { host: s.host, pid: s.pid, serverId: s.serverId };
}

/** The heartbeat Go wrote in `dump` (server info + workers hash), to be written again by Vigil. */
export function heartbeatOf(dump: Dump, ttlSeconds = 10): Heartbeat {
  const server = decodeServerInfo(bytesOf(dump.keys[onlyKey(dump, "server_info")]!.value as DumpBytes));
  const workersKey = keys.workersKey(server.host, server.pid, server.serverId);
  const hash = (dump.keys[workersKey]?.value ?? {}) as Record<string, DumpBytes>;
  const workers = Object.values(hash).map((v) => decodeWorkerInfo(bytesOf(v)));
  return { server, workers, ttlSeconds };
}

/** Scheduler id (`host:pid:uuid`) and its entries in registration order (the list is LPUSHed, so reversed). */
export function schedulerOf(dump: Dump): { schedulerId: string; entries: SchedulerEntryRecord[] } {
  const key = onlyKey(dump, "scheduler_entries");
  const items = dump.keys[key]!.value as DumpBytes[];
  return { schedulerId: hashTag(key), entries: items.map((v) => decodeSchedulerEntry(bytesOf(v))).reverse() };
}

/** The entry id of a `asynq:scheduler_history:<entryId>` key. */
export function historyEntryId(key: string): string {
  return key.slice(keys.schedulerHistoryKey("").length);
}

/** Group and set id of an aggregation set key `asynq:{q}:g:<group>:<setId>`. */
export function aggregationSetOf(q: string, key: string): { group: string; setId: string } {
  const rest = key.slice(keys.groupKeyPrefix(q).length);
  const cut = rest.lastIndexOf(":");
  return { group: rest.slice(0, cut), setId: rest.slice(cut + 1) };
}
