// Shell completion generated from the command tree completes real commands and options in a real bash.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { vigil } from "./capture-io.js";

function complete(script: string, line: string): string[] {
  const words = line.split(" ");
  const bash = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _vigil; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["-c", bash], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split("\n").filter(Boolean);
}

describe("vigil completion", () => {
  it("bash completes commands, subcommands and options", async () => {
    const r = await vigil(["completion", "bash"]);
    expect(r.code).toBe(0);
    expect(complete(r.stdout, "vigil qu")).toEqual(["queue"]);
    expect(complete(r.stdout, "vigil queue ")).toEqual(expect.arrayContaining(["ls", "inspect", "pause", "rm"]));
    expect(complete(r.stdout, "vigil task ls --st")).toEqual(["--state"]);
    expect(complete(r.stdout, "vigil enqueue snapshot_daily --max")).toEqual(["--max-retry"]);
  });

  it("zsh and fish scripts are produced; an unknown shell exits 2", async () => {
    expect((await vigil(["completion", "zsh"])).stdout).toContain("#compdef vigil");
    expect((await vigil(["completion", "fish"])).stdout).toContain("complete -c vigil");
    const bad = await vigil(["completion", "powershell"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("shell must be bash, zsh or fish");
  });
});
