// PeriodicTaskManager: keeps a Scheduler's entries in line with a config provider (Go's PeriodicTaskManager),
// plus a file provider (YAML or JSON) that reloads when the file changes. A bad config never drops running entries.
import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import { InvalidOptionError } from "./errors.js";
import type { EnqueueOptions } from "./options.js";
import { entryIdOf, type Scheduler } from "./scheduler.js";
import type { MissedRunPolicy } from "./scheduler-options.js";
import { Task } from "./task.js";
import { parseDuration } from "./internal/base/duration.js";
import { resolveEnqueueOptions } from "./internal/base/enqueue-options.js";
import { formatOptionStrings } from "./internal/base/option-format.js";
import { parseCronSpec } from "./internal/cron/cron-spec.js";

/** One periodic task: a cron spec, the task, its enqueue options. */
export interface PeriodicTaskConfig {
  cronspec: string;
  task: Task;
  options?: EnqueueOptions;
  missedRuns?: MissedRunPolicy;
}

/** Supplies the periodic tasks; may call `onChange` to ask for a sync before the next interval. */
export interface PeriodicTaskConfigProvider {
  getConfigs(): Promise<PeriodicTaskConfig[]>;
  /** Optional: start watching for changes. */
  watch?(onChange: () => void): void;
  /** Optional: stop watching. */
  close?(): void;
}

/** Options of {@link PeriodicTaskManager}. */
export interface PeriodicTaskManagerOptions {
  scheduler: Scheduler;
  provider: PeriodicTaskConfigProvider;
  /** How often to re-read the provider. @defaultValue "3m" (Go's default) */
  syncInterval?: number | string;
  /** Called when a sync fails (the entries already registered keep running). */
  onError?: (error: Error) => void;
}

const ENTRY_KEYS = ["cronspec", "task", "options", "missedRuns"];

/** Validates one raw config entry (from YAML/JSON); errors name the file, entry index and field. */
export function parsePeriodicTaskEntry(raw: unknown, where: string): PeriodicTaskConfig {
  const op = "periodicTasks.parse";
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new InvalidOptionError(op, where, raw, "a mapping with cronspec and task");
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r))
    if (!ENTRY_KEYS.includes(k))
      throw new InvalidOptionError(op, `${where}.${k}`, r[k], `one of ${ENTRY_KEYS.join(", ")}`);
  if (typeof r.cronspec !== "string")
    throw new InvalidOptionError(op, `${where}.cronspec`, r.cronspec, 'a cron spec string such as "0 2 * * *"');
  try {
    parseCronSpec(r.cronspec);
  } catch (e) {
    throw new InvalidOptionError(op, `${where}.cronspec`, r.cronspec, `a valid cron spec (${(e as Error).message})`);
  }
  const t = r.task as Record<string, unknown> | undefined;
  if (!t || typeof t !== "object" || typeof t.type !== "string" || !t.type.trim())
    throw new InvalidOptionError(
      op,
      `${where}.task`,
      r.task,
      "a mapping with type (non-blank) and optional payload, headers",
    );
  const headers = (t.headers ?? {}) as Record<string, string>;
  const options = (r.options ?? {}) as EnqueueOptions;
  if (typeof options !== "object" || Array.isArray(options))
    throw new InvalidOptionError(op, `${where}.options`, r.options, "a mapping of enqueue options");
  const task = new Task(t.type, t.payload as never, {}, headers);
  try {
    resolveEnqueueOptions([options], { nowMs: 0, op });
  } catch (e) {
    const bad = e instanceof InvalidOptionError ? e : undefined;
    throw new InvalidOptionError(
      op,
      `${where}.options.${bad?.option ?? ""}`,
      bad?.given ?? options,
      bad?.accepted ?? (e as Error).message,
    );
  }
  const missedRuns = r.missedRuns as MissedRunPolicy | undefined;
  if (missedRuns !== undefined && missedRuns !== "skip" && missedRuns !== "catch-up")
    throw new InvalidOptionError(op, `${where}.missedRuns`, missedRuns, '"skip" or "catch-up"');
  return { cronspec: r.cronspec, task, options, missedRuns };
}

/** Reads periodic tasks from a YAML or JSON file (`periodicTasks:` list, or a top-level list); reloads on change. */
export class FilePeriodicTaskConfigProvider implements PeriodicTaskConfigProvider {
  private watcher: FSWatcher | undefined;
  constructor(readonly path: string) {}

  /** Parses and validates the whole file; throws naming the entry and field at fault. */
  async getConfigs(): Promise<PeriodicTaskConfig[]> {
    let doc: unknown;
    try {
      // yaml is loaded on first use: processes that never read a config file (workers) do not carry it.
      const { parse } = await import("yaml");
      doc = parse(await readFile(this.path, "utf8"));
    } catch (e) {
      throw new InvalidOptionError(
        "periodicTasks.read",
        this.path,
        (e as Error).message,
        "a readable YAML or JSON file",
      );
    }
    const list = Array.isArray(doc) ? doc : (doc as { periodicTasks?: unknown } | null)?.periodicTasks;
    if (!Array.isArray(list))
      throw new InvalidOptionError(
        "periodicTasks.read",
        this.path,
        doc,
        "a list, or a mapping with a periodicTasks list",
      );
    return list.map((raw, i) => parsePeriodicTaskEntry(raw, `${this.path}: periodicTasks[${i}]`));
  }

  /** Calls `onChange` (debounced) whenever the file is written or replaced. */
  watch(onChange: () => void): void {
    let timer: NodeJS.Timeout | undefined;
    const fire = () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, 100);
    };
    try {
      this.watcher = watch(this.path, fire);
      this.watcher.on("error", () => {});
    } catch {
      // No watcher (file missing or unsupported fs): the manager's interval sync still picks up changes.
    }
  }

  /** Stops watching. */
  close(): void {
    this.watcher?.close();
  }
}

/** Keeps a Scheduler's entries equal to what the provider lists (identity = spec, task and options). */
export class PeriodicTaskManager {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private current = new Set<string>();
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly o: PeriodicTaskManagerOptions) {
    this.intervalMs = parseDuration(o.syncInterval ?? "3m", "syncInterval", "periodicTaskManager");
  }

  /** Registers the provider's entries (throws if the first read fails), starts the scheduler and keeps syncing. */
  async start(): Promise<void> {
    await this.syncNow(true);
    await this.o.scheduler.start();
    this.timer = setInterval(() => void this.sync(), this.intervalMs);
    this.o.provider.watch?.(() => void this.sync());
  }

  /** One sync; errors go to onError and leave the registered entries as they were. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncNow(false));
    return this.syncing;
  }

  private async syncNow(throwErrors: boolean): Promise<void> {
    let configs: PeriodicTaskConfig[];
    try {
      configs = await this.o.provider.getConfigs();
    } catch (e) {
      if (throwErrors) throw e;
      this.o.onError?.(e as Error);
      return;
    }
    const wanted = new Map(
      configs.map((c) => [entryIdOf(c.cronspec, c.task, formatOptionStrings(c.options ?? {})), c]),
    );
    for (const id of this.current) if (!wanted.has(id)) this.o.scheduler.unregister(id);
    for (const [id, c] of wanted)
      if (!this.current.has(id))
        this.o.scheduler.register(c.cronspec, c.task, c.options ?? {}, { missedRuns: c.missedRuns });
    this.current = new Set(wanted.keys());
  }

  /** Ids of the entries this manager registered. */
  entryIds(): string[] {
    return [...this.current];
  }

  /** Stops syncing and shuts the scheduler down. */
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    this.o.provider.close?.();
    await this.syncing;
    await this.o.scheduler.shutdown();
  }
}
