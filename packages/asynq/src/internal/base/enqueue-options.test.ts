// Option composition, defaults and validation of spec §5.1, table-driven, without Redis.
import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "../../errors.js";
import type { EnqueueOptions } from "../../options.js";
import { resolveEnqueueOptions, validateTaskType, type ResolvedEnqueueOptions } from "./enqueue-options.js";

const NOW = Date.UTC(2026, 10, 29, 1, 0, 0, 250);
const ctx = { nowMs: NOW, op: "client.enqueue", newId: () => "generated-id" };
const resolve = (...layers: (EnqueueOptions | undefined)[]): ResolvedEnqueueOptions =>
  resolveEnqueueOptions(layers, ctx);

const defaults: ResolvedEnqueueOptions = {
  queue: "default",
  taskId: "generated-id",
  maxRetry: 25,
  timeoutSeconds: 1800,
  deadlineSeconds: 0,
  uniqueTtlMs: 0,
  processAtMs: NOW,
  retentionSeconds: 0,
  group: "",
  headers: {},
};

describe("resolveEnqueueOptions", () => {
  it.each<[string, (EnqueueOptions | undefined)[], Partial<ResolvedEnqueueOptions>]>([
    ["no options", [], {}],
    ["undefined layers", [undefined, undefined], {}],
    ["queue", [{ queue: "critical" }], { queue: "critical" }],
    ["queue keeps case and blanks inside", [{ queue: " Low " }], { queue: " Low " }],
    ["maxRetry", [{ maxRetry: 5 }], { maxRetry: 5 }],
    ["maxRetry 0", [{ maxRetry: 0 }], { maxRetry: 0 }],
    ["negative maxRetry → 0", [{ maxRetry: -3 }], { maxRetry: 0 }],
    ["timeout string", [{ timeout: "1m30s" }], { timeoutSeconds: 90 }],
    ["timeout ms", [{ timeout: 90_500 }], { timeoutSeconds: 90 }],
    ["sub-second timeout → 0 and no default", [{ timeout: "500ms" }], { timeoutSeconds: 0 }],
    ["timeout 0 → default", [{ timeout: 0 }], { timeoutSeconds: 1800 }],
    [
      "deadline → no default timeout",
      [{ deadline: "2030-01-01T00:00:00Z" }],
      { timeoutSeconds: 0, deadlineSeconds: 1893456000 },
    ],
    ["deadline as Date", [{ deadline: new Date(1893456000_999) }], { timeoutSeconds: 0, deadlineSeconds: 1893456000 }],
    ["deadline at the epoch counts as none", [{ deadline: 0 }], { timeoutSeconds: 1800, deadlineSeconds: 0 }],
    [
      "timeout and deadline",
      [{ timeout: "90s", deadline: 1893456000_000 }],
      { timeoutSeconds: 90, deadlineSeconds: 1893456000 },
    ],
    ["unique", [{ unique: "1h" }], { uniqueTtlMs: 3_600_000 }],
    ["unique exactly 1s", [{ unique: 1000 }], { uniqueTtlMs: 1000 }],
    ["taskId", [{ taskId: "welcome-42" }], { taskId: "welcome-42" }],
    ["retention", [{ retention: "24h" }], { retentionSeconds: 86_400 }],
    ["retention truncates", [{ retention: 1999 }], { retentionSeconds: 1 }],
    ["group", [{ group: "digest:user:42" }], { group: "digest:user:42" }],
    ["processIn", [{ processIn: "1h" }], { processAtMs: NOW + 3_600_000 }],
    ["negative processIn is the past", [{ processIn: -1000 }], { processAtMs: NOW - 1000 }],
    ["processAt", [{ processAt: "2030-01-06T09:00:00Z" }], { processAtMs: 1893920400_000 }],
    ["processAt epoch ms", [{ processAt: NOW + 5 }], { processAtMs: NOW + 5 }],
    [
      "both in one layer: later time wins (processIn)",
      [{ processAt: NOW + 10, processIn: "1s" }],
      { processAtMs: NOW + 1000 },
    ],
    [
      "both in one layer: later time wins (processAt)",
      [{ processAt: NOW + 5000, processIn: "1s" }],
      { processAtMs: NOW + 5000 },
    ],
    [
      "later layer's processAt replaces processIn",
      [{ processIn: "1h" }, { processAt: NOW + 1 }],
      { processAtMs: NOW + 1 },
    ],
    [
      "later layer's processIn replaces processAt",
      [{ processAt: NOW + 9e6 }, { processIn: "1s" }],
      { processAtMs: NOW + 1000 },
    ],
    [
      "last layer wins",
      [
        { queue: "a", maxRetry: 1, timeout: "5s" },
        { queue: "b", maxRetry: 2 },
      ],
      { queue: "b", maxRetry: 2, timeoutSeconds: 5 },
    ],
    [
      "headers merge, later wins",
      [{ headers: { a: "1", b: "1" } }, { headers: { b: "2" } }],
      { headers: { a: "1", b: "2" } },
    ],
  ])("%s", (_name, layers, want) => {
    expect(resolve(...layers)).toEqual({ ...defaults, ...want });
  });

  it("starts from the task's own headers", () => {
    const r = resolveEnqueueOptions([{ headers: { b: "2" } }], { ...ctx, baseHeaders: { a: "1", b: "1" } });
    expect(r.headers).toEqual({ a: "1", b: "2" });
  });

  it("generates a UUID v4 when no task id is given", () => {
    const r = resolveEnqueueOptions([], { nowMs: NOW, op: "client.enqueue" });
    expect(r.taskId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each<[string, unknown, string, string]>([
    ["blank queue", { queue: "  " }, "queue", "non-blank string"],
    ["empty queue", { queue: "" }, "queue", "non-blank string"],
    ["queue not a string", { queue: 7 }, "queue", "non-blank string"],
    ["blank taskId", { taskId: "\t" }, "taskId", "non-blank string"],
    ["blank group", { group: "" }, "group", "non-blank string"],
    ["fractional maxRetry", { maxRetry: 1.5 }, "maxRetry", "integer"],
    ["maxRetry beyond int32", { maxRetry: 2 ** 31 }, "maxRetry", "integer"],
    ["maxRetry string", { maxRetry: "5" }, "maxRetry", "integer"],
    ["unique below 1s", { unique: "999ms" }, "unique", "at least 1s"],
    ["unique 0", { unique: 0 }, "unique", "at least 1s"],
    ["unique garbage", { unique: "forever" }, "unique", "Go duration"],
    ["timeout garbage", { timeout: "5 minutes" }, "timeout", "Go duration"],
    ["negative timeout", { timeout: "-1s" }, "timeout", ">= 0"],
    ["negative retention", { retention: -1 }, "retention", ">= 0"],
    ["processIn garbage", { processIn: "soon" }, "processIn", "Go duration"],
    ["processAt garbage", { processAt: "tomorrow" }, "processAt", "ISO-8601"],
    ["processAt invalid Date", { processAt: new Date(NaN) }, "processAt", "ISO-8601"],
    ["deadline NaN", { deadline: NaN }, "deadline", "ISO-8601"],
    ["headers not an object", { headers: "a=1" }, "headers", "object"],
    ["header value not a string", { headers: { a: 1 } }, "headers.a", "a string"],
    ["unknown option", { maxRetries: 3 }, "maxRetries", "maxRetry"],
  ])("rejects %s, naming the option, the value and what is accepted", (_name, layer, option, accepted) => {
    let error: unknown;
    try {
      resolve(layer as EnqueueOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    const e = error as InvalidOptionError;
    expect(e.option).toBe(option);
    const given = Object.values(layer as object)[0] as unknown;
    expect(e.given).toEqual(option === "headers.a" ? (given as { a: unknown }).a : given);
    expect(e.accepted).toContain(accepted);
    expect(e.op).toBe("client.enqueue");
    expect(e.message).toContain(`invalid option ${option}`);
  });

  it("rejects a bad option in the task layer too", () => {
    expect(() => resolve({ queue: "" }, { queue: "fine" })).toThrow(InvalidOptionError);
  });
});

describe("validateTaskType", () => {
  it.each(["email:welcome", " x "])("accepts %j", (t) => {
    expect(validateTaskType(t, "client.enqueue")).toBe(t);
  });
  it.each(["", "   ", undefined, 5])("rejects %j", (t) => {
    expect(() => validateTaskType(t, "client.enqueue")).toThrow(/invalid option type/);
  });
});
