// vigil export | import: every task of the Go scenes survives a round trip byte for byte, and re-import changes nothing.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dumpRedis, loadDump, type Dump, type DumpKey } from "../../asynq/test/support/scene.js";
import { loadScene, sceneVersions } from "../../asynq/test/support/fixtures.js";
import { useTestRedis } from "../../asynq/test/support/redis.js";
import { vigil } from "./capture-io.js";

const t = useTestRedis();
const TASK_KINDS = [
  "task",
  "pending_list",
  "scheduled_zset",
  "retry_zset",
  "archived_zset",
  "completed_zset",
  "group_zset",
  "groups_set",
];

function taskPart(d: Dump): Record<string, Omit<DumpKey, "ttl_ms">> {
  return Object.fromEntries(
    Object.entries(d.keys)
      .filter(([, k]) => TASK_KINDS.includes(k.asynq_kind ?? ""))
      .map(([key, k]) => [key, { type: k.type, asynq_kind: k.asynq_kind, value: k.value }]),
  );
}

describe.each(sceneVersions)("export/import round trip of the Go $version scene", ({ dir }) => {
  it("restores every task's hash and place byte for byte; active tasks come back as pending", async () => {
    const scene = loadScene(dir);
    await loadDump(t.redis(), scene);
    const before = await dumpRedis(t.redis());
    const work = mkdtempSync(join(tmpdir(), "vigil-export-"));
    const files: string[] = [];
    for (const q of ["critical", "default", "low"]) {
      const file = join(work, `${q}.jsonl`);
      const r = await vigil([
        "--redis",
        t.url(),
        "export",
        "-q",
        q,
        "-s",
        "pending,active,scheduled,retry,archived,completed,aggregating",
        "-o",
        file,
      ]);
      expect(r.code, r.stderr).toBe(0);
      files.push(file);
    }
    const lines = files.flatMap((f) => readFileSync(f, "utf8").trim().split("\n"));
    expect(lines).toHaveLength(Object.values(before.keys).filter((k) => k.asynq_kind === "task").length);

    await t.redis().flushdb();
    for (const f of files) {
      const r = await vigil(["--redis", t.url(), "--json", "import", f]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).failed).toBe(0);
    }
    const after = await dumpRedis(t.redis());
    const want = taskPart(before);
    // Active tasks have no worker on the new Redis: they are restored to pending (oldest first, as exported).
    for (const [key, k] of Object.entries(want)) {
      if (k.asynq_kind === "task" && (k.value as Record<string, unknown>).state === "active")
        want[key] = { ...k, value: { ...(k.value as object), state: "pending" } };
    }
    const activeIds = (before.keys["asynq:{critical}:active"]?.value as string[] | undefined) ?? [];
    if (activeIds.length) {
      const pending = (want["asynq:{critical}:pending"]?.value as string[]) ?? [];
      want["asynq:{critical}:pending"] = {
        type: "list",
        asynq_kind: "pending_list",
        value: [...[...activeIds].reverse(), ...pending].reverse().reverse(),
      };
    }
    const got = taskPart(after);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const key of Object.keys(want)) {
      if (key === "asynq:{critical}:pending") {
        expect(new Set(got[key]!.value as string[])).toEqual(new Set(want[key]!.value as string[]));
        continue;
      }
      expect(got[key], key).toEqual(want[key]);
    }

    const again = await vigil(["--redis", t.url(), "--json", "import", files[1]!]);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, failed: 0 });
    expect(JSON.parse(again.stdout).exists).toBeGreaterThan(0);
    expect(taskPart(await dumpRedis(t.redis()))).toEqual(got);
  });
});

describe("vigil import errors", () => {
  it("a bad line is reported with its number and nothing is imported", async () => {
    const work = mkdtempSync(join(tmpdir(), "vigil-import-"));
    const file = join(work, "bad.jsonl");
    writeFileSync(file, '{"v":1,"queue":"q","id":"a","state":"pending","msg":null,"fields":{}}\n{"v":1,"queue":"q"}\n');
    const r = await vigil(["--redis", t.url(), "import", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 2: "id" must be a non-empty string');
    expect(await t.redis().dbsize()).toBe(0);
  });

  it("--dry-run checks and counts without writing", async () => {
    await vigil(["--redis", t.url(), "enqueue", "x", '{"a":1}', "--id", "x1"]);
    const exp = await vigil(["--redis", t.url(), "export", "-q", "default", "-s", "pending"]);
    await t.redis().flushdb();
    const work = mkdtempSync(join(tmpdir(), "vigil-import-"));
    writeFileSync(join(work, "x.jsonl"), exp.stdout);
    const r = await vigil(["--redis", t.url(), "import", join(work, "x.jsonl"), "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("dry run: 1 valid record(s)");
    expect(await t.redis().dbsize()).toBe(0);
  });
});
