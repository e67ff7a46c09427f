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
