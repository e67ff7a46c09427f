// Checkpoints on a real Redis: ctx.checkpoint persists progress that the next attempt resumes from (the reward
// payout pays every item exactly once across a failure), deleted on success and delete, kept on archive.
import { describe, expect, it } from "vitest";
import type { HandlerContext } from "../../src/handler.js";
import * as keys from "../../src/internal/base/keys.js";
import { deferred, useServerHarness, waitFor } from "../server/harness.js";

const h = useServerHarness();

/** Pays items 1..10, checkpointing after each; `failAfter` throws once that item is paid (first attempt only). */
function payoutHandler(paid: number[], failAfter: number) {
  return async (_t: unknown, ctx: HandlerContext): Promise<void> => {
    const from = ((await ctx.lastCheckpoint<{ paidThrough: number }>())?.paidThrough ?? 0) + 1;
    ctx.log("resuming payout", { from });
    for (let item = from; item <= 10; item++) {
      paid.push(item);
      await ctx.checkpoint({ paidThrough: item });
      if (item === failAfter && ctx.retryCount === 0) throw new Error(`payout provider crashed after item ${item}`);
    }
  };
}

describe("ctx.checkpoint", () => {
  it("resumes a reward payout at the first unpaid item after a failure: every item paid exactly once", async () => {
    const { srv } = h.server({ retryDelayFunc: () => 0, delayedTaskCheckInterval: 50 });
    const info = await h.client().enqueue("reward:payout", { campaign: 9 }, { maxRetry: 3 });
    const paid: number[] = [];
    await srv.start(payoutHandler(paid, 4));
    await waitFor("payout done", async () => (await h.redis().exists(keys.taskKey("default", info.id))) === 0);
    expect(paid).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Succeeded: the checkpoint is gone; the resume point is in the task's log.
    expect(await h.inspector().getCheckpoint("default", info.id)).toBeNull();
    await waitFor("logs", async () => (await h.inspector().taskLogs("default", info.id)).length === 2);
    const logs = await h.inspector().taskLogs("default", info.id);
    expect(logs.map((l) => l.fields.from)).toEqual([1, 5]);
  });

  it("keeps an archived task's checkpoint (with its TTL) so an operator sees how far it got", async () => {
    const { srv } = h.server({ checkpointTtl: "2h" });
    const info = await h.client().enqueue("reward:payout", null, { maxRetry: 0 });
    const done = deferred();
    await srv.start(async (_t, ctx) => {
      await ctx.checkpoint({ paidThrough: 3, note: "provider down" });
      done.resolve();
      throw new Error("provider down");
    });
    await done.promise;
    await waitFor("archived", async () => (await h.redis().zcard(keys.archivedKey("default"))) === 1);
    const c = await h.inspector().getCheckpoint("default", info.id);
    expect(c).toMatchObject({ state: { paidThrough: 3, note: "provider down" }, retryCount: 0 });
    expect(c!.savedAt).toBeInstanceOf(Date);
    const pttl = await h.redis().pttl(keys.checkpointKey("default", info.id));
    expect(pttl).toBeGreaterThan(7_000_000);
    expect(pttl).toBeLessThanOrEqual(7_200_000);
    // Deleting the task drops its checkpoint too.
    await h.inspector().deleteTask("default", info.id);
    expect(await h.inspector().getCheckpoint("default", info.id)).toBeNull();
  });

  it("returns this attempt's own last checkpoint, and refuses non-JSON states and writes after abort", async () => {
    const { srv } = h.server();
    await h.client().enqueue("x", null, { timeout: "1s", maxRetry: 0 });
    const seen: unknown[] = [];
    const finished = deferred();
    await srv.start(async (_t, ctx) => {
      seen.push(await ctx.lastCheckpoint());
      await ctx.checkpoint([1, "two", { three: 3 }]);
      seen.push(await ctx.lastCheckpoint());
      await ctx.checkpoint({ n: 1 }).then(
        () => seen.push("saved"),
        () => seen.push("refused"),
      );
      await ctx.checkpoint(undefined).catch((e: Error) => seen.push(e.message));
      await new Promise((r) => ctx.signal.addEventListener("abort", r));
      await ctx.checkpoint({ late: true }).catch((e: Error) => seen.push(e.message));
      finished.resolve();
    });
    await finished.promise;
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toEqual([1, "two", { three: 3 }]);
    expect(seen[2]).toBe("saved");
    expect(seen[3]).toMatch(/state.*JSON value/);
    expect(seen[4]).toBe("failed to save checkpoint: context deadline exceeded");
  });

  it("reads as null when there is no checkpoint (never saved, or a Go-only fleet)", async () => {
    expect(await h.inspector().getCheckpoint("default", "nope")).toBeNull();
    expect(await h.inspector().getCheckpoint("unknown-queue", "nope")).toBeNull();
  });
});
