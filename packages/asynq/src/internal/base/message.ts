// TaskMessage: the protobuf stored in a task hash's `msg` field, with its codec (spec §3.1).
// Times are converted at this edge: int64 seconds on the wire, numbers here.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { TaskMessageSchema } from "../proto/asynq_pb.js";

/** A task as Go asynq stores it. Time fields are unix seconds (0 = none); durations are seconds. */
export interface TaskMessage {
  type: string;
  payload: Uint8Array;
  /** User metadata (asynq v0.26+), in insertion order. */
  headers: Record<string, string>;
  id: string;
  queue: string;
  /** Max retry count. */
  retry: number;
  /** Retries consumed so far. */
  retried: number;
  errorMsg: string;
  /** Per-attempt timeout in seconds; 0 = none. */
  timeout: number;
  /** Absolute deadline, unix seconds; 0 = none. */
  deadline: number;
  /** Full Redis key of the uniqueness lock; "" = not unique. */
  uniqueKey: string;
  /** Unix seconds of the last failure; 0 = never. */
  lastFailedAt: number;
  /** Seconds to keep the task after success; 0 = delete on success. */
  retention: number;
  /** Unix seconds of successful completion; 0 = not completed. */
  completedAt: number;
  /** Aggregation group name; "" = none. */
  groupKey: string;
}

/** A message with every field at its proto3 default, overridden by `fields`. */
export function newTaskMessage(fields: Partial<TaskMessage> & Pick<TaskMessage, "type" | "id" | "queue">): TaskMessage {
  return {
    payload: new Uint8Array(0),
    headers: {},
    retry: 0,
    retried: 0,
    errorMsg: "",
    timeout: 0,
    deadline: 0,
    uniqueKey: "",
    lastFailedAt: 0,
    retention: 0,
    completedAt: 0,
    groupKey: "",
    ...fields,
  };
}

/** Encodes like Go: fields in field-number order, proto3 defaults left out. */
export function encodeTaskMessage(m: TaskMessage): Uint8Array {
  return toBinary(
    TaskMessageSchema,
    create(TaskMessageSchema, {
      type: m.type,
      payload: m.payload,
      id: m.id,
      queue: m.queue,
      retry: m.retry,
      retried: m.retried,
      errorMsg: m.errorMsg,
      timeout: BigInt(m.timeout),
      deadline: BigInt(m.deadline),
      uniqueKey: m.uniqueKey,
      lastFailedAt: BigInt(m.lastFailedAt),
      retention: BigInt(m.retention),
      completedAt: BigInt(m.completedAt),
      groupKey: m.groupKey,
      headers: m.headers,
    }),
  );
}

/** Decodes `msg` bytes; throws on malformed protobuf. Unknown fields are ignored, as Go does. */
export function decodeTaskMessage(bytes: Uint8Array): TaskMessage {
  return decodeTaskMessageFast(bytes) ?? decodeTaskMessageReflect(bytes);
}

/** The reference decoder (protobuf-es reflection); decodeTaskMessage uses it for anything unusual. */
export function decodeTaskMessageReflect(bytes: Uint8Array): TaskMessage {
  const p = fromBinary(TaskMessageSchema, bytes, { readUnknownFields: false });
  return {
    type: p.type,
    payload: p.payload,
    headers: { ...p.headers },
    id: p.id,
    queue: p.queue,
    retry: p.retry,
    retried: p.retried,
    errorMsg: p.errorMsg,
    timeout: Number(p.timeout),
    deadline: Number(p.deadline),
    uniqueKey: p.uniqueKey,
    lastFailedAt: Number(p.lastFailedAt),
    retention: Number(p.retention),
    completedAt: Number(p.completedAt),
    groupKey: p.groupKey,
  };
}

// proto3 strings are validated as UTF-8 (as protobuf-es and Go do); a BOM is dropped as TextDecoder does there.
const utf8 = new TextDecoder("utf-8", { fatal: true });

type StringField = "type" | "id" | "queue" | "errorMsg" | "uniqueKey" | "groupKey";
type Int64Field = "timeout" | "deadline" | "lastFailedAt" | "retention" | "completedAt";
const STRING_FIELDS: (StringField | undefined)[] = [];
STRING_FIELDS[1] = "type";
STRING_FIELDS[3] = "id";
STRING_FIELDS[4] = "queue";
STRING_FIELDS[7] = "errorMsg";
STRING_FIELDS[10] = "uniqueKey";
STRING_FIELDS[14] = "groupKey";
const INT64_FIELDS: (Int64Field | undefined)[] = [];
INT64_FIELDS[8] = "timeout";
INT64_FIELDS[9] = "deadline";
INT64_FIELDS[11] = "lastFailedAt";
INT64_FIELDS[12] = "retention";
INT64_FIELDS[13] = "completedAt";

/**
 * The hot path of dequeue (several times faster than reflection, and far less garbage): decodes messages made
 * only of the TaskMessage fields with their declared wire types, non-negative integers below 2^49, valid UTF-8
 * and plain header entries. Returns undefined for anything else (unknown fields, negative or huge numbers,
 * truncation, bad UTF-8, long header entries): the reference decoder then gives the result or the error, so
 * both decoders always agree (message.test.ts checks this on random and mangled messages).
 */
export function decodeTaskMessageFast(b: Uint8Array): TaskMessage | undefined {
  const m: TaskMessage = {
    type: "",
    payload: EMPTY_BYTES,
    headers: {},
    id: "",
    queue: "",
    retry: 0,
    retried: 0,
    errorMsg: "",
    timeout: 0,
    deadline: 0,
    uniqueKey: "",
    lastFailedAt: 0,
    retention: 0,
    completedAt: 0,
    groupKey: "",
  };
  const end = b.length;
  const buf = b instanceof Buffer ? b : undefined;
  let payloadSet = false;
  pos = 0;
  while (pos < end) {
    const tag = b[pos++]!;
    const field = tag >>> 3;
    const wire = tag & 7;
    if (tag >= 0x80 || field === 0) return undefined; // fields above 15 (unknown) have two-byte tags
    if (wire === 0) {
      const v = varint(b, end);
      if (v < 0) return undefined;
      const f64 = INT64_FIELDS[field];
      if (f64) m[f64] = v;
      else if (field === 5 || field === 6) {
        if (v > 0x7fffffff) return undefined;
        if (field === 5) m.retry = v;
        else m.retried = v;
      } else return undefined; // a length-delimited field sent as a varint
    } else if (wire === 2) {
      const n = varint(b, end);
      if (n < 0 || n > end - pos) return undefined;
      const start = pos;
      pos += n;
      const fs = STRING_FIELDS[field];
      if (fs) {
        const text =
          field === 1 || field === 4 ? decodeRepeated(b, buf, start, pos, field) : decodeString(b, buf, start, pos);
        if (text === undefined) return undefined;
        m[fs] = text;
      } else if (field === 2) {
        m.payload = b.subarray(start, pos);
        payloadSet = true;
      } else if (field === 15) {
        if (!readHeader(b, buf, start, pos, m.headers)) return undefined;
      } else return undefined; // an integer field sent length-delimited
    } else {
      return undefined;
    }
  }
  if (!payloadSet) m.payload = new Uint8Array(0);
  return m;
}

/** Placeholder payload while decoding (never returned: a message without payload gets its own empty one). */
const EMPTY_BYTES = new Uint8Array(0);

/** Read position of decodeTaskMessageFast (module state: no closure per message). */
let pos = 0;

/** Reads a varint below 2^49 at `pos` (advancing it), or returns -1. */
function varint(b: Uint8Array, end: number): number {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 7 && pos < end; i++) {
    const byte = b[pos++]!;
    v += (byte & 0x7f) * mul;
    if (byte < 0x80) return v;
    mul *= 128;
  }
  return -1;
}

/**
 * The UTF-8 text of b[start, end), or undefined when it is not valid UTF-8. ASCII text of a Buffer is read
 * straight into a string (no view object, no decoder); anything else goes through the fatal TextDecoder.
 */
function decodeString(b: Uint8Array, buf: Buffer | undefined, start: number, end: number): string | undefined {
  if (buf !== undefined) {
    let i = start;
    while (i < end && b[i]! < 0x80) i++;
    if (i === end) return buf.toString("latin1", start, end);
  }
  try {
    return utf8.decode(b.subarray(start, end));
  } catch {
    return undefined; // invalid UTF-8
  }
}

/** The last type (index 1) and queue (index 4) decoded: the next message mostly has the same ones. */
const lastText: string[] = ["", "", "", "", ""];

/** decodeString for a type or queue name: the string of the previous message again when the bytes match. */
function decodeRepeated(
  b: Uint8Array,
  buf: Buffer | undefined,
  start: number,
  end: number,
  field: number,
): string | undefined {
  const last = lastText[field]!;
  const n = end - start;
  if (last.length === n) {
    let i = 0;
    while (i < n && b[start + i] === last.charCodeAt(i)) i++;
    if (i === n) return last;
  }
  const text = decodeString(b, buf, start, end);
  if (text !== undefined && text.length === n) lastText[field] = text;
  return text;
}

/** One map entry of `headers` (key = 1, value = 2, both strings); false when it is not a plain one. */
function readHeader(
  b: Uint8Array,
  buf: Buffer | undefined,
  start: number,
  end: number,
  into: Record<string, string>,
): boolean {
  let key = "";
  let value = "";
  let at = start;
  while (at < end) {
    const tag = b[at++]!;
    if (tag !== 0x0a && tag !== 0x12) return false;
    const n = b[at++];
    if (n === undefined || n >= 0x80 || n > end - at) return false;
    const s = decodeString(b, buf, at, at + n);
    if (s === undefined) return false;
    at += n;
    if (tag === 0x0a) key = s;
    else value = s;
  }
  if (key === "__proto__") return false;
  into[key] = value;
  return true;
}
