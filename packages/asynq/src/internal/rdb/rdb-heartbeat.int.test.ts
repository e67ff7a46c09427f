// Heartbeat writes of servers and schedulers (spec §6.3, §7.1, §7.2, §9.3), lease extension and results.
import { describe, expect, it } from "vitest";
import { msg, seedActive, secondsOf, useBroker } from "../../../test/support/broker-fixtures.js";
import {
  decodeSchedulerEnqueueEvent,
  decodeSchedulerEntry,
  decodeServerInfo,
  decodeWorkerInfo,
  type SchedulerEntryRecord,
  type ServerInfoRecord,
  type WorkerInfoRecord,
} from "../base/info.js";
import * as keys from "../base/keys.js";

const b = useBroker();
const Q = "default";
const server: ServerInfoRecord = {
  host: "vm",
  pid: 42,
  serverId: "3e66dca7-b28a-4487-b051-64a8b575164e",
  concurrency: 3,
  queues: { default: 1 },
  strictPriority: false,
  status: "active",
  startTime: new Date(1_795_916_000_123),
  activeWorkerCount: 1,
};
const serverKey = keys.serverInfoKey("vm", 42, server.serverId);
const workersKey = keys.workersKey("vm", 42, server.serverId);

function worker(taskId: string): WorkerInfoRecord {
  return {
    host: "vm",
    pid: 42,
    serverId: server.serverId,
    taskId,
    taskType: "email:welcome",
    taskPayload: Buffer.from("{}"),
    queue: Q,
    startTime: new Date(1_795_916_001_000),
    deadline: new Date(1_795_917_801_000),
  };
}

describe("server heartbeat", () => {
  it("writes server info (TTL), the workers hash and both zset scores", async () => {
    const { broker, clock } = b.broker();
    await broker.writeServerState({ server, workers: [worker("t1"), worker("t2")], ttlSeconds: 10 });
    expect(decodeServerInfo((await b.redis().getBuffer(serverKey))!)).toEqual(server);
    expect(await b.redis().ttl(serverKey)).toBe(10);
    expect(await b.redis().ttl(workersKey)).toBe(10);
    const hash = await b.redis().hgetallBuffer(workersKey);
    expect(decodeWorkerInfo(hash.t2!)).toEqual(worker("t2"));
    expect(Object.keys(hash).sort()).toEqual(["t1", "t2"]);
    expect(await b.redis().zscore(keys.allServers, serverKey)).toBe(String(secondsOf(clock) + 10));
    expect(await b.redis().zscore(keys.allWorkers, workersKey)).toBe(String(secondsOf(clock) + 10));
  });

  it("rebuilds the workers hash each beat; an idle beat leaves no workers hash", async () => {
    const { broker } = b.broker();
    await broker.writeServerState({ server, workers: [worker("t1")], ttlSeconds: 10 });
    await broker.writeServerState({ server, workers: [], ttlSeconds: 10 });
    expect(await b.redis().exists(workersKey)).toBe(0);
    expect(await b.redis().zscore(keys.allWorkers, workersKey)).not.toBeNull();
  });

  it("clear removes the zset members and both keys", async () => {
    const { broker } = b.broker();
    await broker.writeServerState({ server, workers: [worker("t1")], ttlSeconds: 10 });
    await broker.clearServerState("vm", 42, server.serverId);
    expect(await b.redis().dbsize()).toBe(0);
  });

  it("extendLeases moves existing leases to now + 30 and never adds members (ZADD XX)", async () => {
    const { broker, clock } = b.broker();
    const m = msg();
    await seedActive(b.redis(), m, secondsOf(clock) + 2);
    clock.advance(5_000);
    expect(await broker.extendLeases(Q, [m.id, "gone"])).toBe((secondsOf(clock) + 30) * 1000);
    expect(await b.redis().zrange(keys.leaseKey(Q), "0", "-1", "WITHSCORES")).toEqual([
      m.id,
      String(secondsOf(clock) + 30),
    ]);
  });

  it("writeResult stores the bytes in the task hash", async () => {
    const { broker } = b.broker();
    await broker.writeResult(Q, "t1", Buffer.from([0, 1, 2, 255]));
    expect(await b.redis().hgetBuffer(keys.taskKey(Q, "t1"), "result")).toEqual(Buffer.from([0, 1, 2, 255]));
  });
});

describe("scheduler writes", () => {
  const entry = (id: string): SchedulerEntryRecord => ({
    id,
    spec: "@every 8s",
    taskType: "report:generate",
    taskPayload: Buffer.from("{}"),
    enqueueOptions: ['Queue("default")', "MaxRetry(3)"],
    nextEnqueueTime: new Date(1_795_916_389_000),
    prevEnqueueTime: null,
  });
  const schedulerId = "vm:42:b74329fb-f751-4d27-a948-1446d1f41270";

  it("writes the entries list LPUSHed (reversed) with a TTL, and the schedulers zset score", async () => {
    const { broker, clock } = b.broker();
    await broker.writeSchedulerEntries(schedulerId, [entry("e1"), entry("e2")], 20);
    await broker.writeSchedulerEntries(schedulerId, [entry("e1"), entry("e2")], 20);
    const list = await b.redis().lrangeBuffer(keys.schedulerEntriesKey(schedulerId), 0, -1);
    expect(list.map((v) => decodeSchedulerEntry(v).id)).toEqual(["e2", "e1"]);
    expect(decodeSchedulerEntry(list[1]!)).toEqual(entry("e1"));
    expect(await b.redis().ttl(keys.schedulerEntriesKey(schedulerId))).toBe(20);
    expect(await b.redis().zscore(keys.allSchedulers, keys.schedulerEntriesKey(schedulerId))).toBe(
      String(secondsOf(clock) + 20),
    );
  });

  it("accepts a scheduler with no entries", async () => {
    const { broker } = b.broker();
    await broker.writeSchedulerEntries(schedulerId, [], 5);
    expect(await b.redis().exists(keys.schedulerEntriesKey(schedulerId))).toBe(0);
    expect(await b.redis().zcard(keys.allSchedulers)).toBe(1);
  });

  it("keeps the newest 1 000 history events", async () => {
    const { broker, clock } = b.broker();
    const history = keys.schedulerHistoryKey("e1");
    const pipe = b.redis().pipeline();
    for (let i = 0; i < 1005; i++) pipe.zadd(history, 1_700_000_000 + i, `old-${i}`);
    await pipe.exec();
    await broker.recordSchedulerEnqueueEvent("e1", { taskId: "t-new", enqueueTime: new Date(clock.nowMs() + 250) });
    expect(await b.redis().zcard(history)).toBe(1000);
    const [newest, score] = await b.redis().zrevrangeBuffer(history, 0, 0, "WITHSCORES");
    expect(decodeSchedulerEnqueueEvent(newest!)).toEqual({
      taskId: "t-new",
      enqueueTime: new Date(clock.nowMs() + 250),
    });
    expect(score!.toString()).toBe(String(secondsOf(clock)));
    expect(await b.redis().zscore(history, "old-5")).toBeNull();
    expect(await b.redis().zscore(history, "old-6")).not.toBeNull();
  });

  it("clear removes the heartbeat, the entries and every entry's history", async () => {
    const { broker, clock } = b.broker();
    await broker.writeSchedulerEntries(schedulerId, [entry("e1"), entry("e2")], 20);
    await broker.recordSchedulerEnqueueEvent("e1", { taskId: "t", enqueueTime: new Date(clock.nowMs()) });
    await broker.recordSchedulerEnqueueEvent("e2", { taskId: "t", enqueueTime: new Date(clock.nowMs()) });
    await broker.clearSchedulerEntries(schedulerId, ["e1", "e2"]);
    expect(await b.redis().dbsize()).toBe(0);
  });
});
