// `vigil search` over a seeded queue: each filter, streaming JSON lines, --limit with a resumable cursor.
import { describe, expect, it } from "vitest";
import { Client } from "@vigil/asynq";
import { useTestRedis } from "../../asynq/test/support/redis.js";
import { vigil } from "./capture-io.js";

const t = useTestRedis();

async function seed(): Promise<void> {
  const c = new Client(t.url());
  try {
    for (let i = 0; i < 50; i++)
      await c.enqueue(
        i % 2 ? "crawl_tiktok" : "crawl_youtube",
        { campaign_id: i, source: i % 2 ? "tiktok" : "youtube" },
        { queue: "crawl", taskId: `t${i}` },
      );
  } finally {
    await c.close();
  }
}

describe("vigil search", () => {
  it("filters by type, payload text and JSON field, printing JSON lines", async () => {
    await seed();
    const byType = await vigil([
      "--redis",
      t.url(),
      "--json",
      "search",
      "-q",
      "crawl",
      "-s",
      "pending",
      "--type",
      "crawl_tiktok",
      "--limit",
      "0",
    ]);
    expect(byType.code, byType.stderr).toBe(0);
    const lines = byType.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(25);
    expect(lines.every((l) => l.type === "crawl_tiktok")).toBe(true);
    const byField = await vigil([
      "--redis",
      t.url(),
      "--json",
      "search",
      "-q",
      "crawl",
      "-s",
      "pending",
      "--field",
      "campaign_id=42",
    ]);
    expect(
      byField.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toEqual(["t42"]);
    const byText = await vigil([
      "--redis",
      t.url(),
      "search",
      "-q",
      "crawl",
      "-s",
      "pending",
      "--payload",
      '"campaign_id":7,',
    ]);
    expect(byText.stdout).toMatch(/^ID\s+TYPE/);
    expect(byText.stdout).toContain("t7");
    expect(byText.stderr).toContain("1 match(es) among 50 pending task(s) in crawl");
  });

  it("--limit stops early and prints a cursor that continues where it stopped", async () => {
    await seed();
    const first = await vigil([
      "--redis",
      t.url(),
      "--json",
      "search",
      "-q",
      "crawl",
      "-s",
      "pending",
      "--limit",
      "10",
      "--budget",
      "10",
    ]);
    const ids1 = first.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id);
    expect(ids1).toHaveLength(10);
    const cursor = /--cursor '([^']+)'/.exec(first.stderr)?.[1];
    expect(cursor).toBeDefined();
    const rest = await vigil([
      "--redis",
      t.url(),
      "--json",
      "search",
      "-q",
      "crawl",
      "-s",
      "pending",
      "--limit",
      "0",
      "--cursor",
      cursor!,
    ]);
    const ids2 = rest.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id);
    expect(new Set([...ids1, ...ids2]).size).toBe(50);
  });

  it("bad filters exit 2 and say what is accepted", async () => {
    await seed();
    const r = await vigil(["--redis", t.url(), "search", "-q", "crawl", "-s", "pending", "--field", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--field must be path=value");
    const time = await vigil(["--redis", t.url(), "search", "-q", "crawl", "-s", "retry", "--from", "yesterday"]);
    expect(time.code).toBe(2);
    expect(time.stderr).toContain("--from must be an ISO-8601 time");
  });
});
