// The scene loader and dumper are exact inverses on every Go fixture scene.
import { describe, expect, it } from "vitest";
import { dumpRedis, loadDump, type DumpKey } from "./scene.js";
import { loadScene, sceneVersions } from "./fixtures.js";
import { useTestRedis } from "./redis.js";

const t = useTestRedis();

function bytesOnly(k: DumpKey): unknown {
  const strip = (v: unknown): unknown =>
    v && typeof v === "object" && "base64" in v ? { base64: (v as { base64: string }).base64 } : v;
  if (k.type === "zset")
    return (k.value as { member: unknown; score_raw: string }[]).map((i) => [strip(i.member), i.score_raw]);
  if (k.type === "hash") return Object.fromEntries(Object.entries(k.value as object).map(([f, v]) => [f, strip(v)]));
  if (Array.isArray(k.value)) return k.value.map(strip);
  return strip(k.value);
}

describe.each(sceneVersions)("scene $version", ({ dir }) => {
  it("loads byte-exact and dumps back identically (types, bytes, scores, TTLs)", async () => {
    const scene = loadScene(dir);
    await loadDump(t.redis(), scene);
    const dump = await dumpRedis(t.redis());
    expect(Object.keys(dump.keys)).toEqual(Object.keys(scene.keys).sort());
    for (const [key, want] of Object.entries(scene.keys)) {
      const got = dump.keys[key]!;
      expect(got.type, key).toBe(want.type);
      expect(got.asynq_kind, key).toBe(want.asynq_kind);
      expect(bytesOnly(got), key).toEqual(bytesOnly(want));
      if (want.ttl_ms < 0) expect(got.ttl_ms, key).toBe(-1);
      else expect(Math.abs(got.ttl_ms - want.ttl_ms), key).toBeLessThan(2000);
    }
  });
});
