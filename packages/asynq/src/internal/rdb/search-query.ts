// Inspector search: validates a query into a compiled plan, matches decoded tasks against it, and
// encodes/decodes the opaque resume cursor. The Redis scan that uses these lives in search.ts.
import { createHash } from "node:crypto";
import { InvalidOptionError } from "../../errors.js";
import type { JsonValue, SearchOptions, SearchQuery } from "../../search-types.js";
import { TASK_STATES, type TaskState, isTaskState } from "../../task.js";
import type { TaskMessage } from "../base/message.js";

/** Tasks examined per call when no budget is given. */
export const DEFAULT_SEARCH_BUDGET = 2000;
/** Largest budget one call accepts. */
export const MAX_SEARCH_BUDGET = 1_000_000;

const QUERY_FIELDS = [
  "type",
  "typePrefix",
  "payloadContains",
  "json",
  "errorContains",
  "from",
  "to",
  "group",
  "includeCorrupt",
] as const;

/** A validated search: what to scan, how to match, and where to resume. */
export interface SearchPlan {
  queue: string;
  state: TaskState;
  type?: string;
  typePrefix?: string;
  payload?: Buffer;
  json?: { segments: string[]; equals: JsonValue };
  errorContains?: string;
  /** Inclusive time bounds in epoch ms (state time). */
  fromMs?: number;
  toMs?: number;
  group?: string;
  includeCorrupt: boolean;
  budget: number;
  /** Decoded resume position, or null to start. */
  cursor: SearchCursor | null;
  /** Ties cursors to this queue, state and query. */
  fingerprint: string;
}

/** Where a scan resumes: a list position with the id seen last, or a zset (score, id) in a group. */
export type SearchCursor =
  { kind: "list"; pos: number; anchor: Buffer } | { kind: "zset"; group: string; score: string; member: Buffer };

function invalid(op: string, field: string, given: unknown, accepted: string): InvalidOptionError {
  return new InvalidOptionError(op, field, given, accepted);
}

function nonEmptyString(op: string, field: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v === "") throw invalid(op, field, v, "a non-empty string");
  return v;
}

function timeMs(op: string, field: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const ms = v instanceof Date ? v.getTime() : v;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw invalid(op, field, v instanceof Date ? "Invalid Date" : v, "a valid Date or epoch milliseconds");
  }
  return ms;
}

function jsonFilter(op: string, v: unknown): SearchPlan["json"] {
  if (v === undefined) return undefined;
  const j = v as { path?: unknown; equals?: unknown };
  if (typeof v !== "object" || v === null || typeof j.path !== "string") {
    throw invalid(op, "query.json", v, '{ path: "a.b", equals: <JSON value> }');
  }
  const segments = j.path.split(".");
  if (segments.some((s) => s === "")) {
    throw invalid(op, "query.json.path", j.path, 'dot-separated non-empty keys, e.g. "user.id" or "items.0.sku"');
  }
  if (j.equals === undefined || typeof j.equals === "function" || typeof j.equals === "bigint") {
    throw invalid(op, "query.json.equals", j.equals, "a JSON value (string, number, boolean, null, array, object)");
  }
  return { segments, equals: j.equals as JsonValue };
}

function budgetOf(op: string, v: unknown): number {
  if (v === undefined) return DEFAULT_SEARCH_BUDGET;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1 || v > MAX_SEARCH_BUDGET) {
    throw invalid(op, "budget", v, `an integer from 1 to ${MAX_SEARCH_BUDGET}`);
  }
  return v;
}

/** Validates a search call; throws InvalidOptionError naming the field, what was given and what is accepted. */
export function planSearch(
  op: string,
  queue: string,
  state: unknown,
  query: SearchQuery | undefined,
  options: SearchOptions = {},
): SearchPlan {
  if (typeof queue !== "string" || queue === "") throw invalid(op, "queue", queue, "a non-empty queue name");
  if (!isTaskState(state)) throw invalid(op, "state", state, TASK_STATES.join(", "));
  const q = (query ?? {}) as Record<string, unknown>;
  if (typeof q !== "object" || Array.isArray(q)) throw invalid(op, "query", query, "an object of search fields");
  for (const k of Object.keys(q)) {
    if (!(QUERY_FIELDS as readonly string[]).includes(k)) {
      throw invalid(op, `query.${k}`, q[k], `one of the fields ${QUERY_FIELDS.join(", ")}`);
    }
  }
  const p = q.payloadContains;
  if (p !== undefined && !(typeof p === "string" || p instanceof Uint8Array)) {
    throw invalid(op, "query.payloadContains", p, "a non-empty string or Uint8Array");
  }
  const payload = p === undefined ? undefined : Buffer.from(p as string | Uint8Array);
  if (payload?.length === 0) throw invalid(op, "query.payloadContains", p, "a non-empty string or Uint8Array");
  const fromMs = timeMs(op, "query.from", q.from);
  const toMs = timeMs(op, "query.to", q.to);
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) {
    throw invalid(op, "query.to", q.to, `a time at or after query.from (${new Date(fromMs).toISOString()})`);
  }
  if (state === "active" && (fromMs !== undefined || toMs !== undefined)) {
    const field = fromMs !== undefined ? "query.from" : "query.to";
    throw invalid(op, field, q[field.slice(6)], "no time range for active tasks (they have no state time)");
  }
  const group = nonEmptyString(op, "query.group", q.group);
  if (group !== undefined && state !== "aggregating") {
    throw invalid(op, "query.group", group, "a group only with state aggregating");
  }
  if (q.includeCorrupt !== undefined && typeof q.includeCorrupt !== "boolean") {
    throw invalid(op, "query.includeCorrupt", q.includeCorrupt, "true or false");
  }
  const plan: SearchPlan = {
    queue,
    state,
    type: nonEmptyString(op, "query.type", q.type),
    typePrefix: nonEmptyString(op, "query.typePrefix", q.typePrefix),
    payload,
    json: jsonFilter(op, q.json),
    errorContains: nonEmptyString(op, "query.errorContains", q.errorContains),
    fromMs,
    toMs,
    group,
    includeCorrupt: q.includeCorrupt !== false,
    budget: budgetOf(op, options.budget),
    cursor: null,
    fingerprint: "",
  };
  plan.fingerprint = fingerprint(plan);
  plan.cursor = decodeCursor(op, options.cursor, plan);
  return plan;
}

function fingerprint(p: SearchPlan): string {
  const norm = [
    p.queue,
    p.state,
    p.type,
    p.typePrefix,
    p.payload?.toString("base64"),
    p.json,
    p.errorContains,
    p.fromMs,
    p.toMs,
    p.group,
    p.includeCorrupt,
  ];
  return createHash("sha1").update(JSON.stringify(norm)).digest("base64url").slice(0, 12);
}

const CURSOR_ACCEPTED = "the nextCursor of an earlier call with the same queue, state and query, or null";

/** The opaque text of a cursor for `plan`. */
export function encodeCursor(plan: SearchPlan, c: SearchCursor): string {
  const body =
    c.kind === "list"
      ? { v: 1, f: plan.fingerprint, p: c.pos, a: c.anchor.toString("base64") }
      : { v: 1, f: plan.fingerprint, g: c.group, s: c.score, m: c.member.toString("base64") };
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

function decodeCursor(op: string, text: unknown, plan: SearchPlan): SearchCursor | null {
  if (text === undefined || text === null) return null;
  let b: Record<string, unknown> = {};
  try {
    if (typeof text === "string") b = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as typeof b;
  } catch {
    // reported below
  }
  if (b.v !== 1 || b.f !== plan.fingerprint) throw invalid(op, "cursor", text, CURSOR_ACCEPTED);
  const isList = plan.state === "pending" || plan.state === "active";
  if (isList && Number.isSafeInteger(b.p) && (b.p as number) >= 0 && typeof b.a === "string") {
    return { kind: "list", pos: b.p as number, anchor: Buffer.from(b.a, "base64") };
  }
  if (!isList && typeof b.g === "string" && typeof b.s === "string" && typeof b.m === "string") {
    return { kind: "zset", group: b.g, score: b.s, member: Buffer.from(b.m, "base64") };
  }
  throw invalid(op, "cursor", text, CURSOR_ACCEPTED);
}

function jsonEqual(a: unknown, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof b === "string" && (typeof a === "number" || typeof a === "boolean" || a === null)) {
    return JSON.stringify(a) === b;
  }
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]!));
  }
  const ak = Object.keys(a);
  const bo = b as Record<string, JsonValue>;
  return (
    ak.length === Object.keys(bo).length &&
    ak.every((k) => Object.hasOwn(bo, k) && jsonEqual((a as Record<string, unknown>)[k], bo[k]!))
  );
}

function jsonMatches(payload: Uint8Array, f: NonNullable<SearchPlan["json"]>): boolean {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8"));
  } catch {
    return false;
  }
  for (const s of f.segments) {
    if (Array.isArray(v) && /^\d+$/.test(s)) v = v[Number(s)];
    else if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.hasOwn(v, s))
      v = (v as Record<string, unknown>)[s];
    else return false;
  }
  return v !== undefined && jsonEqual(v, f.equals);
}

/** True when a decoded task matches the plan's content filters and (where checked here) its time range. */
export function matchesTask(plan: SearchPlan, m: TaskMessage, stateTimeMs: number | null): boolean {
  if (plan.type !== undefined && m.type !== plan.type) return false;
  if (plan.typePrefix !== undefined && !m.type.startsWith(plan.typePrefix)) return false;
  if (plan.errorContains !== undefined && !m.errorMsg.includes(plan.errorContains)) return false;
  if (plan.fromMs !== undefined || plan.toMs !== undefined) {
    if (stateTimeMs === null) return false;
    if (plan.fromMs !== undefined && stateTimeMs < plan.fromMs) return false;
    if (plan.toMs !== undefined && stateTimeMs > plan.toMs) return false;
  }
  if (plan.payload !== undefined) {
    const p = m.payload;
    if (Buffer.from(p.buffer, p.byteOffset, p.byteLength).indexOf(plan.payload) < 0) return false;
  }
  if (plan.json !== undefined && !jsonMatches(m.payload, plan.json)) return false;
  return true;
}
