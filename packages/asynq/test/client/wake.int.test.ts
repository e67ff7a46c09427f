// Vigil's instant pickup: every pending enqueue (single, unique, batch) publishes on the queue's wake channel;
// scheduled and grouped tasks do not (they are not runnable yet).
import { describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { Client } from "../../src/client.js";
import { Task } from "../../src/task.js";
import * as keys from "../../src/internal/base/keys.js";
import { useTestRedis } from "../support/redis.js";

const t = useTestRedis();

async function wakes(queue: string, act: () => Promise<unknown>): Promise<number> {
  const sub = new Redis(t.url());
  let n = 0;
  try {
    await sub.subscribe(keys.wakeChannel(queue));
    sub.on("message", () => n++);
    await act();
    await sub.ping().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    return n;
  } finally {
    sub.disconnect();
  }
}

describe("wake channel", () => {
  it("publishes once per pending enqueue and once per queue per batch chunk", async () => {
    const c = new Client(t.url());
    try {
      expect(await wakes("q1", () => c.enqueue("a", "1", { queue: "q1" }))).toBe(1);
      expect(await wakes("q1", () => c.enqueue("a", "2", { queue: "q1", unique: "1m" }))).toBe(1);
      expect(await wakes("q1", () => c.enqueue("a", "3", { queue: "q1", processIn: "1h" }))).toBe(0);
      expect(await wakes("q1", () => c.enqueue("a", "4", { queue: "q1", group: "g" }))).toBe(0);
      const batch = Array.from({ length: 250 }, (_, i) => new Task("b", String(i), { queue: "q1" }));
      expect(await wakes("q1", () => c.enqueueMany(batch, { chunkSize: 100 }))).toBe(3);
    } finally {
      await c.close();
    }
  });
});
