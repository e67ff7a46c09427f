// PeriodicTaskManager with a YAML file: registers its entries, follows edits of the file, keeps running
// entries when an edit is invalid, and reports the bad entry and field.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pino } from "pino";
import { FilePeriodicTaskConfigProvider, PeriodicTaskManager } from "../src/periodic-task-manager.js";
import { Scheduler } from "../src/scheduler.js";
import { SimulatedClock } from "../src/internal/clock.js";
import { Inspector } from "../src/inspector.js";
import { useTestRedis } from "./support/redis.js";

const t = useTestRedis();

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const V1 = `
periodicTasks:
  - cronspec: "0 2 * * *"
    task: { type: snapshot_daily, payload: { kind: daily } }
    options: { queue: low, retention: 24h }
  - cronspec: "*/15 * * * *"
    task: { type: budget_check, payload: { threshold: 0.9 } }
    options: { queue: critical, unique: 10m }
`;
const V2 = `
periodicTasks:
  - cronspec: "0 2 * * *"
    task: { type: snapshot_daily, payload: { kind: daily } }
    options: { queue: low, retention: 24h }
  - cronspec: "0 * * * *"
    task: { type: segment_automatic_match }
`;

describe("PeriodicTaskManager + file provider", () => {
  it("registers, reloads on change, and keeps entries when the new file is invalid", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-ptm-"));
    const file = join(dir, "cron.yaml");
    writeFileSync(file, V1);
    const clock = new SimulatedClock(Date.parse("2026-11-29T01:00:00Z"));
    const scheduler = new Scheduler(t.url(), { clock, logger: pino({ level: "silent" }) });
    const errors: string[] = [];
    const m = new PeriodicTaskManager({
      scheduler,
      provider: new FilePeriodicTaskConfigProvider(file),
      syncInterval: "1h",
      onError: (e) => errors.push(e.message),
    });
    const inspector = new Inspector(t.url(), { clock });
    try {
      await m.start();
      expect(m.entryIds()).toHaveLength(2);
      const specs = async () => (await inspector.schedulerEntries()).map((e) => (e as { spec: string }).spec).sort();
      expect(await specs()).toEqual(["*/15 * * * *", "0 2 * * *"]);
      const snapshotId = m.entryIds()[0];

      writeFileSync(file, V2);
      await until(async () => {
        await scheduler.heartbeat();
        return (await specs()).join() === "0 * * * *,0 2 * * *";
      }, "the reloaded entries to be published");
      expect(m.entryIds()).toContain(snapshotId);

      writeFileSync(file, V2.replace('"0 * * * *"', '"0 25 * * *"'));
      await until(() => errors.length > 0, "the error of an invalid file");
      expect(errors[0]).toContain("periodicTasks[1].cronspec");
      expect(errors[0]).toContain("end of range (25) above maximum (23)");
      expect(scheduler.entryIds()).toHaveLength(2);
    } finally {
      await inspector.close();
      await m.shutdown();
    }
  });

  it("refuses to start on an invalid file, naming entry and field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-ptm-"));
    const file = join(dir, "cron.json");
    writeFileSync(file, JSON.stringify([{ cronspec: "@daily", task: { type: "x" }, options: { maxRetries: 3 } }]));
    const scheduler = new Scheduler(t.url(), { logger: pino({ level: "silent" }) });
    const m = new PeriodicTaskManager({ scheduler, provider: new FilePeriodicTaskConfigProvider(file) });
    await expect(m.start()).rejects.toThrow(/periodicTasks\[0\]\.options\.maxRetries/);
    await scheduler.shutdown();
    expect(await t.redis().dbsize()).toBe(0);
  });
});
