// The dump comparator accepts every Go fixture against itself and rejects before-vs-after of real changes.
import { describe, expect, it } from "vitest";
import { compareDumps, wireFields } from "./compare-dump.js";
import { loadTransition, transitionFiles } from "./fixtures.js";
import { dumpRedis, loadDump, bytesOf, type DumpBytes } from "./scene.js";
import { useTestRedis } from "./redis.js";

const t = useTestRedis();
const files = transitionFiles("");

describe("compareDumps", () => {
  it.each(files)("%s: `after` loaded and dumped equals itself", async (file) => {
    const tr = loadTransition(file);
    await loadDump(t.redis(), tr.after);
    const dump = await dumpRedis(t.redis());
    const now = Date.now();
    expect(compareDumps(dump, tr.after, { opMs: now, expectedOpMs: tr.timing.op_started_ms! })).toEqual([]);
  });

  it.each(["client_enqueue_plain", "inspector_run_task_retry", "server_failure_retry", "inspector_pause_queue"])(
    "%s: `before` differs from `after`",
    async (file) => {
      const tr = loadTransition(file);
      await loadDump(t.redis(), tr.before);
      const dump = await dumpRedis(t.redis());
      const diffs = compareDumps(dump, tr.after, { opMs: Date.now(), expectedOpMs: tr.timing.op_started_ms! });
      expect(diffs.length).toBeGreaterThan(0);
    },
  );

  it("reads wire field order like the fixtures' _wire_fields", () => {
    for (const file of files) {
      const tr = loadTransition(file);
      for (const k of Object.values(tr.after.keys)) {
        if (k.asynq_kind !== "task") continue;
        const msg = (k.value as Record<string, DumpBytes & { decoded?: { _wire_fields: number[] } }>).msg!;
        if (typeof msg === "object" && msg.decoded) expect(wireFields(bytesOf(msg))).toEqual(msg.decoded._wire_fields);
      }
    }
  });
});
