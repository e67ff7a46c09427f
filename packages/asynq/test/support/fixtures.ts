// Paths to and loaders for the Go asynq fixtures in ../shared/fixtures/asynq-go (beside the repository).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Dump } from "./scene.js";

const here = dirname(fileURLToPath(import.meta.url));

/** The fixtures folder: $VIGIL_FIXTURES, or ../shared/fixtures/asynq-go beside the repository. */
export function fixturesDir(): string {
  const dir = process.env.VIGIL_FIXTURES ?? resolve(here, "../../../../../shared/fixtures/asynq-go");
  if (!existsSync(dir)) {
    throw new Error(
      `Go asynq fixtures not found at ${dir}: put the shared/ folder beside the repo or set VIGIL_FIXTURES`,
    );
  }
  return dir;
}

/** The two fixture versions and the folder holding their scene.json and inspect.json. */
export const sceneVersions = [
  { version: "v0.24.1", dir: "." },
  { version: "v0.26.0", dir: "v0.26.0-go119patch" },
] as const;

/** A whole scene written by Go asynq. */
export function loadScene(dir: string): Dump {
  return JSON.parse(readFileSync(join(fixturesDir(), dir, "scene.json"), "utf8")) as Dump;
}

/** What Go's Inspector said about that scene. */
export function loadInspect(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(fixturesDir(), dir, "inspect.json"), "utf8")) as Record<string, unknown>;
}

/** One transition case (before, operation, after, result). */
export interface Transition {
  case: string;
  asynq_version: string;
  category: string;
  description: string;
  operation: Record<string, unknown> & { api: string };
  before: Dump;
  after: Dump;
  result: Record<string, unknown>;
  timing: Record<string, number>;
  notes?: string[];
  other_version?: Record<string, unknown>;
}

/** Every transition file name (without .json) whose case name starts with one of `prefixes`. */
export function transitionFiles(...prefixes: string[]): string[] {
  return readdirSync(join(fixturesDir(), "transitions"))
    .filter((f) => f.endsWith(".json") && prefixes.some((p) => f.startsWith(p)))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Loads transitions/<file>.json. */
export function loadTransition(file: string): Transition {
  return JSON.parse(readFileSync(join(fixturesDir(), "transitions", `${file}.json`), "utf8")) as Transition;
}
