// The committed index.gen.ts must match the .lua files: editing a script without `npm run gen` fails here.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { generate } from "./gen-lua.mjs";

describe("gen-lua", () => {
  it("index.gen.ts is up to date with the .lua files", () => {
    const committed = readFileSync(
      new URL("../packages/asynq/src/internal/rdb/scripts/index.gen.ts", import.meta.url),
      "utf8",
    );
    expect(committed).toBe(generate());
  });
});
