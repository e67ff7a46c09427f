// `vigil dash` in a real pseudo-terminal (script(1)): renders, switches views on key presses, quits on q.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useTestRedis } from "../../asynq/test/support/redis.js";
import { vigil } from "./capture-io.js";

const t = useTestRedis();
const bin = fileURLToPath(new URL("../bin/vigil.js", import.meta.url));
const dist = fileURLToPath(new URL("../dist/main.js", import.meta.url));

function waitFor(get: () => string, re: RegExp, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      if (re.test(get())) return resolve();
      if (Date.now() - start > ms)
        return reject(new Error(`timed out waiting for ${re}; screen so far:\n${get().slice(-2000)}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

describe("vigil dash", () => {
  it("renders in a pseudo-terminal, switches views with keys and quits with q", async () => {
    expect(existsSync(dist), "packages/cli is not built: run `npm run build` (npm test does)").toBe(true);
    await vigil(["--redis", t.url(), "enqueue", "crawl_tiktok", '{"source":"tiktok"}', "-q", "critical"]);
    const child = spawn("script", ["-qfec", `node ${bin} --redis ${t.url()} dash --refresh 1s`, "/dev/null"], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, TERM: "xterm", COLUMNS: "160", LINES: "40" },
    });
    let screen = "";
    child.stdout.on("data", (d: Buffer) => (screen += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      await waitFor(() => screen, /QUEUE\s+STATE\s+PENDING[\s\S]*critical\s+run\s+1/);
      expect(screen).toContain("\u001b[?1049h");
      child.stdin.write("2");
      await waitFor(() => screen, /NO LIVE SERVERS/);
      child.stdin.write("3");
      await waitFor(() => screen, /no retry or archived tasks/);
      child.stdin.write("q");
      expect(await exited).toBe(0);
      expect(screen).toContain("\u001b[?1049l");
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("--once prints a single frame without screen control codes", async () => {
    await vigil(["--redis", t.url(), "enqueue", "x", "-q", "low"]);
    const r = await vigil(["--redis", t.url(), "dash", "--once", "--view", "queues"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/low\s+run\s+1/);
    expect(r.stdout).not.toContain("\u001b[2J");
  });
});
