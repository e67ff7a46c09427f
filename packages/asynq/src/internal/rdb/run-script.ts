// Runs Lua scripts: EVALSHA first, EVAL when Redis answers NOSCRIPT; preloads before pipelines.
// Replies come back as Buffers (binary safe); callers convert them at the call site.
import type { Cluster, Redis } from "ioredis";

/** A Redis connection: one node (plain or Sentinel-managed) or a Cluster. */
export type RedisConnection = Redis | Cluster;

/** One compiled script (see scripts/index.gen.ts). `numberOfKeys` -1 means the caller passes the count. */
export interface LuaScript {
  readonly name: string;
  readonly file: string;
  readonly numberOfKeys: number;
  readonly sha: string;
  readonly lua: string;
}

/** A script argument: strings and numbers are sent as text, Buffers/Uint8Arrays as raw bytes. */
export type ScriptArg = string | number | bigint | Buffer | Uint8Array;

/** A Redis reply as ioredis returns it with Buffer replies. */
export type Reply = Buffer | number | null | Reply[] | Error;

function toArg(a: ScriptArg): string | Buffer {
  if (typeof a === "string") return a;
  if (typeof a === "number" || typeof a === "bigint") return String(a);
  return Buffer.isBuffer(a) ? a : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function isNoScript(e: unknown): boolean {
  return e instanceof Error && e.message.startsWith("NOSCRIPT");
}

/** Runs `script` with `keys` and `args`; returns the raw reply (Buffers for bulk strings). */
export async function runScript(
  redis: RedisConnection,
  script: LuaScript,
  keys: readonly string[],
  args: readonly ScriptArg[],
): Promise<Reply> {
  if (script.numberOfKeys >= 0 && keys.length !== script.numberOfKeys) {
    throw new Error(`script ${script.file} takes ${script.numberOfKeys} keys, got ${keys.length}`);
  }
  const argv = args.map(toArg);
  try {
    return (await redis.callBuffer("EVALSHA", [script.sha, keys.length, ...keys, ...argv])) as Reply;
  } catch (e) {
    if (!isNoScript(e)) throw e;
    return (await redis.callBuffer("EVAL", [script.lua, keys.length, ...keys, ...argv])) as Reply;
  }
}

/** One call of a script in a batch. */
export interface ScriptCall {
  script: LuaScript;
  keys: readonly string[];
  args: readonly ScriptArg[];
}

/**
 * Runs many script calls in one pipeline (one round trip on a single node). Each call that hit
 * NOSCRIPT (e.g. a Cluster node that had not seen the script) is retried with EVAL.
 * Returns one reply or Error per call, in order.
 */
export async function runScriptPipeline(redis: RedisConnection, calls: readonly ScriptCall[]): Promise<Reply[]> {
  if (calls.length === 0) return [];
  const pipe = redis.pipeline();
  for (const c of calls) pipe.callBuffer("EVALSHA", [c.script.sha, c.keys.length, ...c.keys, ...c.args.map(toArg)]);
  const results = (await pipe.exec()) ?? [];
  const out: Reply[] = [];
  for (let i = 0; i < calls.length; i++) {
    const [err, reply] = results[i] ?? [new Error("no reply"), null];
    const call = calls[i]!;
    if (err && isNoScript(err)) {
      try {
        out.push(
          (await redis.callBuffer("EVAL", [
            call.script.lua,
            call.keys.length,
            ...call.keys,
            ...call.args.map(toArg),
          ])) as Reply,
        );
      } catch (e) {
        out.push(e instanceof Error ? e : new Error(String(e)));
      }
    } else {
      out.push(err ?? (reply as Reply));
    }
  }
  return out;
}

/** Reads a reply as an integer; throws when it is not one. */
export function replyInt(r: Reply): number {
  if (typeof r === "number") return r;
  if (Buffer.isBuffer(r)) return Number(r.toString());
  throw new Error(`expected an integer reply, got ${r === null ? "nil" : typeof r}`);
}

/** Reads a reply as a UTF-8 string, or null for nil. */
export function replyString(r: Reply): string | null {
  if (r === null) return null;
  if (Buffer.isBuffer(r)) return r.toString("utf8");
  if (typeof r === "number") return String(r);
  throw new Error(`expected a string reply, got ${Array.isArray(r) ? "array" : typeof r}`);
}

/** Reads a reply as an array; throws when it is not one. */
export function replyArray(r: Reply): Reply[] {
  if (Array.isArray(r)) return r;
  throw new Error(`expected an array reply, got ${r === null ? "nil" : typeof r}`);
}
