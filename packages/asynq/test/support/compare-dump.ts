// Compares two Redis dumps under the fixtures' normalisation rules (transitions/README.md):
// random task ids are matched by (queue, type, payload), other UUIDs and host:pid are masked,
// clock values are compared ±2 s (absolute, or relative to each side's operation time), TTLs in seconds.
import { decodeTaskMessage } from "../../src/internal/base/message.js";
import {
  decodeSchedulerEnqueueEvent,
  decodeSchedulerEntry,
  decodeServerInfo,
  decodeWorkerInfo,
} from "../../src/internal/base/info.js";
import { bytesOf, type Dump, type DumpBytes, type DumpKey } from "./scene.js";

/** Options of {@link compareDumps}. */
export interface CompareOptions {
  /** Epoch ms at which Vigil's operation ran (the actual side's T). */
  opMs: number;
  /** Epoch ms at which Go's operation ran (the fixture's T, e.g. timing.op_started_ms). */
  expectedOpMs: number;
  /** Keys (by their expected-side name) to leave out of the comparison. */
  ignoreKey?: (key: string) => boolean;
  /** Extra tolerance in seconds for the scores of some zset keys (e.g. random retry delays). */
  scoreTolerance?: (key: string) => number;
  /** Compare list items as multisets (lists built from zsets with equal scores). */
  unorderedLists?: boolean;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TOLERANCE_S = 2;

/** A clock value in seconds, compared with tolerance. */
interface Time {
  __time: number;
}
const time = (s: number): Time => ({ __time: s });
const isTime = (v: unknown): v is Time => typeof v === "object" && v !== null && "__time" in v;

/** Field numbers in the order they appear in protobuf bytes, as the fixtures' `_wire_fields`. */
export function wireFields(b: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  const varint = (): bigint => {
    let r = 0n;
    let shift = 0n;
    for (;;) {
      const byte = b[i++];
      if (byte === undefined) throw new Error("truncated varint");
      r |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return r;
      shift += 7n;
    }
  };
  while (i < b.length) {
    const tag = Number(varint());
    out.push(tag >> 3);
    switch (tag & 7) {
      case 0:
        varint();
        break;
      case 1:
        i += 8;
        break;
      case 2: {
        const len = Number(varint());
        i += len;
        break;
      }
      case 5:
        i += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${tag & 7}`);
    }
  }
  return out;
}

function taskIdentities(d: Dump): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [key, k] of Object.entries(d.keys)) {
    if (k.asynq_kind !== "task" || k.type !== "hash") continue;
    const msg = (k.value as Record<string, DumpBytes>).msg;
    if (!msg) continue;
    try {
      const m = decodeTaskMessage(bytesOf(msg));
      ids.set(`${m.queue}\u0000${m.type}\u0000${Buffer.from(m.payload).toString("base64")}`, m.id);
    } catch {
      ids.set(`corrupt\u0000${key}`, key);
    }
  }
  return ids;
}

/** Maps every task id of the expected dump to the actual dump's id of the task with the same queue, type and payload. */
export function matchTaskIds(actual: Dump, expected: Dump): Map<string, string> {
  const a = taskIdentities(actual);
  const map = new Map<string, string>();
  for (const [identity, id] of taskIdentities(expected)) {
    const other = a.get(identity);
    if (other !== undefined) map.set(id, other);
  }
  return map;
}

class Normaliser {
  constructor(
    private readonly ids: Map<string, string>,
    private readonly opMs: number,
  ) {}

  /** Replaces task ids (expected side: mapped), then masks remaining UUIDs and host:pid. */
  text(s: string): string {
    let out = s;
    for (const [from, to] of this.ids) if (from !== to && out.includes(from)) out = out.split(from).join(to);
    const protectedIds = new Set(this.ids.values());
    out = out.replace(UUID, (u) => (protectedIds.has(u) ? u : "<uuid>"));
    out = out.replace(/\{[^{}:]+:\d+:<uuid>\}/g, "{<host>:<pid>:<uuid>}");
    const today = new Date(this.opMs).toISOString().slice(0, 10);
    return out.replace(new RegExp(`:(processed|failed):${today}$`), ":$1:<today>");
  }

  bytes(v: DumpBytes): unknown {
    if (typeof v === "string") return this.text(v);
    return { base64: v.base64 };
  }

  taskMessage(b: Buffer): unknown {
    const m = decodeTaskMessage(b);
    return {
      ...m,
      id: this.text(m.id),
      payload: Buffer.from(m.payload).toString("base64"),
      uniqueKey: this.text(m.uniqueKey),
      deadline: m.deadline ? time(m.deadline) : 0,
      lastFailedAt: m.lastFailedAt ? time(m.lastFailedAt) : 0,
      completedAt: m.completedAt ? time(m.completedAt) : 0,
      _wire: wireFields(b),
    };
  }

  date(d: Date | null): unknown {
    return d === null ? null : time(d.getTime() / 1000);
  }

  proto(name: string, b: Buffer): unknown {
    try {
      switch (name) {
        case "asynq.TaskMessage":
          return this.taskMessage(b);
        case "asynq.ServerInfo": {
          const s = decodeServerInfo(b);
          return { ...s, host: "<host>", pid: "<pid>", serverId: "<uuid>", startTime: this.date(s.startTime) };
        }
        case "asynq.WorkerInfo": {
          const w = decodeWorkerInfo(b);
          return {
            ...w,
            host: "<host>",
            pid: "<pid>",
            serverId: "<uuid>",
            taskId: this.text(w.taskId),
            taskPayload: Buffer.from(w.taskPayload).toString("base64"),
            startTime: this.date(w.startTime),
            deadline: this.date(w.deadline),
          };
        }
        case "asynq.SchedulerEntry": {
          const e = decodeSchedulerEntry(b);
          return {
            ...e,
            id: "<uuid>",
            taskPayload: Buffer.from(e.taskPayload).toString("base64"),
            nextEnqueueTime: this.date(e.nextEnqueueTime),
            prevEnqueueTime: this.date(e.prevEnqueueTime),
          };
        }
        case "asynq.SchedulerEnqueueEvent": {
          const e = decodeSchedulerEnqueueEvent(b);
          return { taskId: this.text(e.taskId), enqueueTime: this.date(e.enqueueTime) };
        }
      }
    } catch (e) {
      return { undecodable: String(e), base64: b.toString("base64") };
    }
    return { base64: b.toString("base64") };
  }

  value(v: DumpBytes): unknown {
    if (typeof v === "object" && v.proto) return this.proto(v.proto, bytesOf(v));
    return this.bytes(v);
  }

  key(key: string, k: DumpKey): { name: string; type: string; ttl: number; value: unknown } {
    const kind = k.asynq_kind ?? "";
    let value: unknown;
    switch (k.type) {
      case "hash":
        value = Object.fromEntries(
          Object.entries(k.value as Record<string, DumpBytes>).map(([f, v]) => {
            if (kind === "task" && f === "msg") return [f, this.proto("asynq.TaskMessage", bytesOf(v))];
            if (kind === "task" && f === "pending_since") return [f, time(Number(bytesOf(v).toString()) / 1e9)];
            if (kind === "workers_hash") return [this.text(f), this.proto("asynq.WorkerInfo", bytesOf(v))];
            return [this.text(f), this.value(v)];
          }),
        );
        break;
      case "zset":
        value = (k.value as { member: DumpBytes; score_raw: string }[])
          .map((i) => ({ member: this.value(i.member), score: time(Number(i.score_raw)) }))
          .sort((x, y) => JSON.stringify(x.member).localeCompare(JSON.stringify(y.member)));
        break;
      case "list":
        value = (k.value as DumpBytes[]).map((v) =>
          kind === "scheduler_entries" ? this.proto("asynq.SchedulerEntry", bytesOf(v)) : this.value(v),
        );
        break;
      case "set":
        value = (k.value as DumpBytes[]).map((v) => this.value(v)).sort();
        break;
      case "string":
        if (kind === "paused_flag") value = time(Number(bytesOf(k.value as DumpBytes).toString()));
        else if (kind === "server_info") value = this.proto("asynq.ServerInfo", bytesOf(k.value as DumpBytes));
        else value = this.value(k.value as DumpBytes);
        break;
    }
    return { name: this.text(key), type: k.type, ttl: k.ttl_ms < 0 ? -1 : k.ttl_ms / 1000, value };
  }
}

function closeTimes(a: number, e: number, aOp: number, eOp: number, tol: number): boolean {
  return Math.abs(a - e) <= tol || Math.abs(a - aOp - (e - eOp)) <= tol;
}

function diffValues(
  path: string,
  a: unknown,
  e: unknown,
  ctx: { aOp: number; eOp: number; tol: number; unordered: boolean },
  out: string[],
): void {
  if (isTime(a) && isTime(e)) {
    if (!closeTimes(a.__time, e.__time, ctx.aOp, ctx.eOp, ctx.tol))
      out.push(
        `${path}: time ${a.__time} (T${fmt(a.__time - ctx.aOp)}) vs expected ${e.__time} (T${fmt(e.__time - ctx.eOp)})`,
      );
    return;
  }
  if (Array.isArray(a) && Array.isArray(e)) {
    if (a.length !== e.length) {
      out.push(`${path}: ${a.length} items vs expected ${e.length}: ${JSON.stringify(a)} vs ${JSON.stringify(e)}`);
      return;
    }
    if (ctx.unordered && path.endsWith("(list)")) {
      const sa = a.map((x) => JSON.stringify(x)).sort();
      const se = e.map((x) => JSON.stringify(x)).sort();
      if (JSON.stringify(sa) !== JSON.stringify(se))
        out.push(`${path}: ${JSON.stringify(sa)} vs expected ${JSON.stringify(se)}`);
      return;
    }
    a.forEach((x, i) => diffValues(`${path}[${i}]`, x, e[i], ctx, out));
    return;
  }
  if (a && e && typeof a === "object" && typeof e === "object" && !isTime(a) && !isTime(e)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
    for (const k of [...keys].sort())
      diffValues(`${path}.${k}`, (a as Record<string, unknown>)[k], (e as Record<string, unknown>)[k], ctx, out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(e))
    out.push(`${path}: ${JSON.stringify(a)} vs expected ${JSON.stringify(e)}`);
}

function fmt(s: number): string {
  return s >= 0 ? `+${s.toFixed(1)}s` : `${s.toFixed(1)}s`;
}

/**
 * Differences between Vigil's dump (`actual`) and Go's (`expected`), empty when they match under the
 * normalisation rules. Keys, types, hash fields, list order, set/zset members and decoded protobuf
 * fields must match exactly; clock values within ±2 s; TTLs within ±2 s (0.01 % for long ones).
 */
export function compareDumps(actual: Dump, expected: Dump, opts: CompareOptions): string[] {
  const ids = matchTaskIds(actual, expected);
  const na = new Normaliser(new Map([...ids.values()].map((v) => [v, v])), opts.opMs);
  const ne = new Normaliser(ids, opts.expectedOpMs);
  const side = (d: Dump, n: Normaliser, ignore: (key: string) => boolean) => {
    const m = new Map<string, ReturnType<Normaliser["key"]>>();
    for (const [key, k] of Object.entries(d.keys)) {
      if (ignore(key)) continue;
      const c = n.key(key, k);
      m.set(c.name, c);
    }
    return m;
  };
  const ignore = opts.ignoreKey ?? (() => false);
  const expectedNames = new Set(
    Object.keys(expected.keys)
      .filter((k) => ignore(k))
      .map((k) => ne.text(k)),
  );
  const A = side(actual, na, (k) => ignore(k) || expectedNames.has(na.text(k)));
  const E = side(expected, ne, ignore);
  const out: string[] = [];
  for (const name of [...new Set([...A.keys(), ...E.keys()])].sort()) {
    const a = A.get(name);
    const e = E.get(name);
    if (!a) {
      out.push(`missing key ${name} (${e!.type})`);
      continue;
    }
    if (!e) {
      out.push(`unexpected key ${name} (${a.type}): ${JSON.stringify(a.value).slice(0, 300)}`);
      continue;
    }
    if (a.type !== e.type) {
      out.push(`${name}: type ${a.type} vs expected ${e.type}`);
      continue;
    }
    if (a.ttl < 0 !== e.ttl < 0) out.push(`${name}: ttl ${a.ttl}s vs expected ${e.ttl}s`);
    else if (a.ttl >= 0 && Math.abs(a.ttl - e.ttl) > Math.max(TOLERANCE_S, e.ttl * 1e-4))
      out.push(`${name}: ttl ${a.ttl}s vs expected ${e.ttl}s`);
    const tol = TOLERANCE_S + (opts.scoreTolerance?.(name) ?? 0);
    diffValues(
      `${name}${a.type === "list" ? "(list)" : ""}`,
      a.value,
      e.value,
      { aOp: opts.opMs / 1000, eOp: opts.expectedOpMs / 1000, tol, unordered: opts.unorderedLists ?? false },
      out,
    );
  }
  return out;
}
