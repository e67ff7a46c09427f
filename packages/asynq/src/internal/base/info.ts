// ServerInfo, WorkerInfo, SchedulerEntry and SchedulerEnqueueEvent protobufs with their codecs (spec §3.1).
// google.protobuf.Timestamp becomes a Date, and Go's zero time (0001-01-01) becomes null.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import {
  SchedulerEnqueueEventSchema,
  SchedulerEntrySchema,
  ServerInfoSchema,
  WorkerInfoSchema,
} from "../proto/asynq_pb.js";

/** Seconds of Go's zero time.Time (0001-01-01T00:00:00Z). */
export const GO_ZERO_TIME_SECONDS = -62135596800n;

/** Timestamp → Date; Go's zero time (and anything before year 1) → null. A missing field (Go reads 1970) → epoch. */
export function timestampToDate(ts: Timestamp | undefined): Date | null {
  if (!ts) return new Date(0);
  if (ts.seconds <= GO_ZERO_TIME_SECONDS) return null;
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000));
}

/** Date → Timestamp; null → Go's zero time, as Go writes it. `extraNanos` adds sub-millisecond precision. */
export function dateToTimestamp(d: Date | null, extraNanos = 0): Timestamp {
  if (d === null) return create(TimestampSchema, { seconds: GO_ZERO_TIME_SECONDS, nanos: 0 });
  const ms = d.getTime();
  const seconds = Math.floor(ms / 1000);
  return create(TimestampSchema, { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 + extraNanos });
}

/** A server's heartbeat record. */
export interface ServerInfoRecord {
  host: string;
  pid: number;
  serverId: string;
  concurrency: number;
  /** Queue name → configured priority. */
  queues: Record<string, number>;
  strictPriority: boolean;
  /** `active`, `stopped` or `closed`. */
  status: string;
  startTime: Date | null;
  activeWorkerCount: number;
}

/** Encodes a ServerInfo heartbeat. */
export function encodeServerInfo(s: ServerInfoRecord): Uint8Array {
  return toBinary(ServerInfoSchema, create(ServerInfoSchema, { ...s, startTime: dateToTimestamp(s.startTime) }));
}
/** Decodes a ServerInfo heartbeat; throws on malformed bytes. */
export function decodeServerInfo(bytes: Uint8Array): ServerInfoRecord {
  const p = fromBinary(ServerInfoSchema, bytes, { readUnknownFields: false });
  return {
    host: p.host,
    pid: p.pid,
    serverId: p.serverId,
    concurrency: p.concurrency,
    queues: { ...p.queues },
    strictPriority: p.strictPriority,
    status: p.status,
    startTime: timestampToDate(p.startTime),
    activeWorkerCount: p.activeWorkerCount,
  };
}

/** One in-flight task of a server. */
export interface WorkerInfoRecord {
  host: string;
  pid: number;
  serverId: string;
  taskId: string;
  taskType: string;
  taskPayload: Uint8Array;
  queue: string;
  startTime: Date | null;
  deadline: Date | null;
}

/** Encodes a WorkerInfo. */
export function encodeWorkerInfo(w: WorkerInfoRecord): Uint8Array {
  return toBinary(
    WorkerInfoSchema,
    create(WorkerInfoSchema, {
      ...w,
      startTime: dateToTimestamp(w.startTime),
      deadline: dateToTimestamp(w.deadline),
    }),
  );
}
/** Decodes a WorkerInfo; throws on malformed bytes. */
export function decodeWorkerInfo(bytes: Uint8Array): WorkerInfoRecord {
  const p = fromBinary(WorkerInfoSchema, bytes, { readUnknownFields: false });
  return {
    host: p.host,
    pid: p.pid,
    serverId: p.serverId,
    taskId: p.taskId,
    taskType: p.taskType,
    taskPayload: p.taskPayload,
    queue: p.queue,
    startTime: timestampToDate(p.startTime),
    deadline: timestampToDate(p.deadline),
  };
}

/** One cron entry as a scheduler publishes it. */
export interface SchedulerEntryRecord {
  id: string;
  spec: string;
  taskType: string;
  taskPayload: Uint8Array;
  /** Option strings in Go's `Option.String()` form, e.g. `Queue("low")`. */
  enqueueOptions: string[];
  /** Next fire time; null = never (Go zero time). */
  nextEnqueueTime: Date | null;
  /** Previous fire time; null = never fired (Go zero time). */
  prevEnqueueTime: Date | null;
}

/** Encodes a SchedulerEntry. */
export function encodeSchedulerEntry(e: SchedulerEntryRecord): Uint8Array {
  return toBinary(
    SchedulerEntrySchema,
    create(SchedulerEntrySchema, {
      ...e,
      nextEnqueueTime: dateToTimestamp(e.nextEnqueueTime),
      prevEnqueueTime: dateToTimestamp(e.prevEnqueueTime),
    }),
  );
}
/** Decodes a SchedulerEntry; throws on malformed bytes. */
export function decodeSchedulerEntry(bytes: Uint8Array): SchedulerEntryRecord {
  const p = fromBinary(SchedulerEntrySchema, bytes, { readUnknownFields: false });
  return {
    id: p.id,
    spec: p.spec,
    taskType: p.taskType,
    taskPayload: p.taskPayload,
    enqueueOptions: [...p.enqueueOptions],
    nextEnqueueTime: timestampToDate(p.nextEnqueueTime),
    prevEnqueueTime: timestampToDate(p.prevEnqueueTime),
  };
}

/** One enqueue made by a cron entry. */
export interface SchedulerEnqueueEventRecord {
  taskId: string;
  enqueueTime: Date | null;
}

/** Encodes a SchedulerEnqueueEvent. */
export function encodeSchedulerEnqueueEvent(e: SchedulerEnqueueEventRecord): Uint8Array {
  return toBinary(
    SchedulerEnqueueEventSchema,
    create(SchedulerEnqueueEventSchema, { taskId: e.taskId, enqueueTime: dateToTimestamp(e.enqueueTime) }),
  );
}
/** Decodes a SchedulerEnqueueEvent; throws on malformed bytes. */
export function decodeSchedulerEnqueueEvent(bytes: Uint8Array): SchedulerEnqueueEventRecord {
  const p = fromBinary(SchedulerEnqueueEventSchema, bytes, { readUnknownFields: false });
  return { taskId: p.taskId, enqueueTime: timestampToDate(p.enqueueTime) };
}
