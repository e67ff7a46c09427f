// Every command has --help with a description; the ones that act on data show examples.
import { describe, expect, it } from "vitest";
import { Command } from "commander";
import { vigil } from "./capture-io.js";
import { registerCommands } from "../src/commands/index.js";

function leaves(c: Command, prefix: string[] = []): string[][] {
  return c.commands.flatMap((s) => (s.commands.length ? leaves(s, [...prefix, s.name()]) : [[...prefix, s.name()]]));
}

describe("vigil --help", () => {
  const program = new Command("vigil");
  registerCommands(program, () => async () => {});
  const commands = leaves(program);

  it("lists exit codes and connection precedence", async () => {
    const r = await vigil(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Exit codes:");
    expect(r.stdout).toContain("VIGIL_REDIS_URL");
  });

  it.each(commands)("%s %s has help with a description and examples", async (...path) => {
    const r = await vigil([...path.filter(Boolean), "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: vigil/);
    const needsExamples =
      !["pause", "unpause", "cancel", "ls", "history"].includes(path[path.length - 1]!) ||
      (path[0] === "queue" && path[1] === "ls");
    if (needsExamples) expect(r.stdout, path.join(" ")).toContain("Examples:");
  });

  it("an unknown command exits 2", async () => {
    const r = await vigil(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command");
  });
});
