// Server features against a real Redis: group aggregation end to end (spec §11), instant pickup on a
// Vigil wake-up, the forwarder, the janitor, health checks, and log lines that tell a task's story
// (taskId, type and queue on every line; no payloads).
import { describe, expect, it } from "vitest";
import * as keys from "../../src/internal/base/keys.js";
import { Task } from "../../src/task.js";
import { useServerHarness, waitFor } from "./harness.js";

const h = useServerHarness();

describe("aggregation", () => {
  it("aggregates a group by max size and by grace period into one task each", async () => {
    const batches: string[] = [];
    const { srv } = h.server({
      groupGracePeriod: "1s",
      groupMaxSize: 3,
      groupAggregator: (group, tasks) =>
        new Task("batch", `${group}:${tasks.map((t) => Buffer.from(t.payload!).toString()).join(",")}`, {
          retention: "1h",
        }),
    });
    const c = h.client();
    const members = [];
    for (const p of ["a", "b", "c", "d"]) members.push(await c.enqueue("item", p, { group: "g1" }));
    await c.enqueue("item", "z", { group: "g2" });
    await srv.start((task) => {
      if (task.type === "batch") batches.push(Buffer.from(task.payload!).toString());
    });
    await waitFor("three batches", () => batches.length === 3, 8000);
    // Members added within one second tie on score, so which three go first is up to Redis.
    const parsed = batches.map((b) => {
      const [group, items] = b.split(":") as [string, string];
      return { group, items: items.split(",").sort() };
    });
    expect(parsed.map((p) => `${p.group}/${p.items.length}`).sort()).toEqual(["g1/1", "g1/3", "g2/1"]);
    expect(parsed.flatMap((p) => p.items).sort()).toEqual(["a", "b", "c", "d", "z"]);
    expect(await h.redis().exists(...members.map((m) => keys.taskKey("default", m.id)))).toBe(0);
    expect(await h.redis().scard(keys.allGroups("default"))).toBe(0);
    expect(await h.redis().zcard(keys.allAggregationSets("default"))).toBe(0);
    const completed = await h.inspector().listCompletedTasks("default");
    expect(completed).toHaveLength(3);
  });
});

describe("pickup", () => {
  it("picks up at once on a Vigil wake-up even with a long poll interval", async () => {
    const started: number[] = [];
    const { srv } = h.server({ taskCheckInterval: "10s" });
    await srv.start(() => void started.push(performance.now()));
    await new Promise((r) => setTimeout(r, 200)); // let the fetch loops go idle
    await h.client().enqueue("now");
    const t0 = performance.now();
    await h.redis().publish(keys.wakeChannel("default"), "");
    await waitFor("picked up", () => started.length === 1, 2000);
    expect(started[0]! - t0).toBeLessThan(500);
  });

  it("moves due retry tasks to pending with the forwarder and processes them", async () => {
    let attempts = 0;
    const { srv } = h.server({ retryDelayFunc: () => 0, delayedTaskCheckInterval: 100 });
    const info = await h.client().enqueue("twice");
    await srv.start(() => {
      if (++attempts === 1) throw new Error("first");
    });
    await waitFor("done after retry", async () => (await h.redis().exists(keys.taskKey("default", info.id))) === 0);
    expect(attempts).toBe(2);
  });

  it("deletes expired completed tasks with the janitor", async () => {
    const { srv } = h.server({ janitorInterval: 100 });
    const info = await h.client().enqueue("short", null, { retention: "1s" });
    await srv.start(() => {});
    await waitFor(
      "completed",
      async () => (await h.redis().hget(keys.taskKey("default", info.id), "state")) === "completed",
    );
    await waitFor(
      "janitor deleted it",
      async () => (await h.redis().exists(keys.taskKey("default", info.id))) === 0,
      4000,
    );
    expect(await h.redis().zcard(keys.completedKey("default"))).toBe(0);
  });

  it("reports health checks", async () => {
    const results: (Error | null)[] = [];
    const { srv } = h.server({ healthCheckInterval: 50, healthCheckFunc: (e) => void results.push(e) });
    await srv.start(() => {});
    await waitFor("two checks", () => results.length >= 2);
    expect(results.every((r) => r === null)).toBe(true);
  });
});

describe("logging", () => {
  it("tags every line about a task with taskId, type and queue, and never logs payloads", async () => {
    const { srv, lines } = h.server({ retryDelayFunc: () => 0, delayedTaskCheckInterval: 50 });
    const info = await h.client().enqueue("snapshot_daily", "password=hunter2", { maxRetry: 1 });
    await srv.start(() => {
      throw new Error("disk full");
    });
    await waitFor(
      "archived",
      async () => (await h.redis().hget(keys.taskKey("default", info.id), "state")) === "archived",
    );
    await waitFor("archive logged", () => lines.some((l) => l.msg === "task archived"));
    const story = lines.filter((l) => JSON.stringify(l).includes(info.id));
    expect(story.map((l) => l.msg)).toEqual(
      expect.arrayContaining(["task started", "task failed; retry scheduled", "task archived"]),
    );
    for (const l of story) expect(l).toMatchObject({ taskId: info.id, type: "snapshot_daily", queue: "default" });
    expect(lines.filter((l) => JSON.stringify(l).includes("snapshot_daily")).length).toBe(story.length);
    expect(lines.some((l) => JSON.stringify(l).includes("hunter2"))).toBe(false);
    expect(story.find((l) => l.msg === "task archived")).toMatchObject({
      error: "disk full",
      serverId: srv.identity.serverId,
    });
  });
});
