// The reward payout survives a worker process killed mid-task: the process is SIGKILLed right after item 4's
// checkpoint; another server recovers the task (lease expired) and its retry resumes at item 5.
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { HandlerContext } from "../../src/handler.js";
import * as keys from "../../src/internal/base/keys.js";
import { useServerHarness, waitFor } from "../server/harness.js";

const h = useServerHarness();
const worker = fileURLToPath(new URL("../support/payout-worker.ts", import.meta.url));
const viteNode = join(dirname(createRequire(import.meta.url).resolve("vite-node/package.json")), "vite-node.mjs");

describe("checkpoint across a killed worker process", () => {
  it("resumes the payout at item 5 and pays every item exactly once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-payout-"));
    const ledger = join(dir, "ledger.txt");
    const child = spawn(process.execPath, [viteNode, worker, h.url(), ledger], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => void (out += d.toString()));
      await waitFor("worker ready", () => out.includes("ready"), 20_000);
      const info = await h.client().enqueue("reward:payout", { campaign: 1 }, { maxRetry: 5 });
      await waitFor("item 4 checkpointed", () => out.includes("checkpointed 4"), 10_000);
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      expect(await h.inspector().getCheckpoint("default", info.id)).toMatchObject({ state: { paidThrough: 4 } });

      // Another server whose clock is 70 s ahead sees the dead worker's lease expired past the 30 s allowance.
      const skewed = { nowMs: () => Date.now() + 70_000 };
      const { srv } = h.server({ clock: skewed, retryDelayFunc: () => 0, delayedTaskCheckInterval: 50 });
      await srv.start(async (_t, ctx: HandlerContext) => {
        const from = ((await ctx.lastCheckpoint<{ paidThrough: number }>())?.paidThrough ?? 0) + 1;
        for (let item = from; item <= 10; item++) {
          appendFileSync(ledger, `${item}\n`); // the same ledger the killed process wrote
          await ctx.checkpoint({ paidThrough: item });
        }
      });
      await waitFor("payout finished", async () => (await h.redis().exists(keys.taskKey("default", info.id))) === 0);
      const paid = readFileSync(ledger, "utf8").trim().split("\n").map(Number);
      expect(paid).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(await h.inspector().getCheckpoint("default", info.id)).toBeNull();
      const runs = await h.inspector().runHistory("default", { taskId: info.id });
      // Newest first: the resumed attempt, then the one lost with the killed process (recorded at its recovery).
      expect(runs.map((r) => [r.outcome, r.error])).toEqual([
        ["success", ""],
        ["retry", "asynq: task lease expired"],
      ]);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
