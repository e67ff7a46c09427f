// What every command receives: IO, output mode, and lazily opened Inspector/Client on the resolved connection.
import {
  Client,
  Inspector,
  type ClusterConnection,
  type RedisConnectionOption,
  type SentinelConnection,
  type UrlConnection,
} from "@vigil/asynq";
import type { CliIo } from "./io.js";
import type { ResolvedConnection } from "./config.js";

/** The per-invocation context handed to commands. */
export class CommandContext {
  private inspectorInstance: Inspector | undefined;
  private clientInstance: Client | undefined;

  constructor(
    readonly io: CliIo,
    readonly connection: ResolvedConnection,
    /** Print JSON (stable field names) instead of tables. */
    readonly json: boolean,
    /** Colour allowed: a terminal and no NO_COLOR. */
    readonly color: boolean,
    /** Skip confirmation prompts. */
    readonly yes: boolean,
  ) {}

  /** The Inspector, opened on first use. */
  inspector(): Inspector {
    this.inspectorInstance ??= new Inspector(failFast(this.connection.connection), { clock: this.io.clock });
    return this.inspectorInstance;
  }

  /** The Client, opened on first use. */
  client(): Client {
    this.clientInstance ??= new Client(failFast(this.connection.connection), { clock: this.io.clock });
    return this.clientInstance;
  }

  /** Writes one JSON document (pretty) followed by a newline. */
  printJson(value: unknown): void {
    this.io.out(JSON.stringify(value, jsonReplacer, 2) + "\n");
  }

  /** Writes text to stdout. */
  print(text: string): void {
    this.io.out(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Writes a note to stderr (progress, hints), never to stdout so pipes stay clean. */
  note(text: string): void {
    this.io.err(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Closes whatever was opened. */
  async close(): Promise<void> {
    await Promise.allSettled([this.inspectorInstance?.close(), this.clientInstance?.close()]);
  }
}

/**
 * A CLI must not hang when Redis is down: a couple of quick reconnect attempts, then commands fail
 * (exit code 5) instead of waiting forever as a long-running server would.
 */
export function failFast(c: RedisConnectionOption): RedisConnectionOption {
  const retry = (n: number) => (n > 2 ? null : 200);
  const options = { maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: retry };
  if (typeof c === "string") return { url: c, options };
  if (Object.getPrototypeOf(c) !== Object.prototype) return c; // an ioredis instance the caller configured
  const plain = c as ClusterConnection | SentinelConnection | UrlConnection;
  if ("cluster" in plain) return { ...plain, options: { clusterRetryStrategy: retry, redisOptions: options } };
  if ("sentinels" in plain) return { ...plain, options: { ...options, sentinelRetryStrategy: retry } };
  return { ...plain, options: { ...options, ...plain.options } };
}

/** JSON.stringify replacer: Dates as ISO strings, bytes as {text}|{base64}, bigint as string. */
export function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value).toString("utf8");
    return Buffer.from(text, "utf8").equals(Buffer.from(value))
      ? { text }
      : { base64: Buffer.from(value).toString("base64") };
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}
