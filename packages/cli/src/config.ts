// Resolves the CLI's connection and output settings: flags > environment (VIGIL_*) > config file > defaults.
// One pure function, so precedence is tested without touching the process.
import { readFileSync, existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { RedisConnectionOption } from "@vigil/asynq";
import { UsageError } from "./errors.js";

/** Connection flags as given on the command line. */
export interface ConnectionFlags {
  redis?: string;
  cluster?: string;
  sentinel?: string;
  sentinelMaster?: string;
  config?: string;
}

/** The config file's shape (YAML or JSON). */
export interface ConfigFile {
  redis?: string;
  cluster?: string[] | string;
  sentinel?: { addrs: string[] | string; master: string; password?: string };
}

/** What the CLI connects to, and where that came from (for `--verbose` and error messages). */
export interface ResolvedConnection {
  connection: RedisConnectionOption;
  source: "flag --redis" | "flag --cluster" | "flag --sentinel" | "env VIGIL_REDIS_URL" | "env VIGIL_CLUSTER" | string;
  display: string;
}

const DEFAULT_URL = "redis://127.0.0.1:6379";

function nodes(list: string | string[], where: string): { host: string; port: number }[] {
  const items = Array.isArray(list) ? list : list.split(",");
  return items.map((hp) => {
    const m = /^\s*([^:\s]+):(\d+)\s*$/.exec(hp);
    if (!m) throw new UsageError(`${where}: "${hp}" is not host:port (example: 127.0.0.1:7000,127.0.0.1:7001)`);
    return { host: m[1]!, port: Number(m[2]) };
  });
}

function sentinel(addrs: string | string[], master: string | undefined, where: string, password?: string) {
  if (!master) throw new UsageError(`${where}: the Sentinel master name is missing (use --sentinel-master NAME)`);
  return { sentinels: nodes(addrs, where), name: master, password, sentinelPassword: password };
}

/** Loads the config file: `--config PATH`, else $VIGIL_CONFIG, else ./vigil.yaml, else ~/.config/vigil/config.yaml. */
export function loadConfigFile(
  flagPath: string | undefined,
  env: Record<string, string | undefined>,
  cwd = process.cwd(),
): { path: string; file: ConfigFile } | undefined {
  const candidates = flagPath
    ? [flagPath]
    : env.VIGIL_CONFIG
      ? [env.VIGIL_CONFIG]
      : [join(cwd, "vigil.yaml"), join(homedir(), ".config", "vigil", "config.yaml")];
  for (const path of candidates) {
    if (!existsSync(path)) {
      if (flagPath || env.VIGIL_CONFIG) throw new UsageError(`config file ${path} does not exist`);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(path, "utf8"));
    } catch (e) {
      throw new UsageError(`config file ${path} is not valid YAML/JSON: ${(e as Error).message}`);
    }
    if (parsed !== null && typeof parsed !== "object")
      throw new UsageError(`config file ${path}: expected a mapping with redis, cluster or sentinel`);
    const file = (parsed ?? {}) as ConfigFile;
    for (const k of Object.keys(file))
      if (!["redis", "cluster", "sentinel"].includes(k))
        throw new UsageError(`config file ${path}: unknown key "${k}" (accepted: redis, cluster, sentinel)`);
    return { path, file };
  }
  return undefined;
}

/** Picks the connection: flags, then VIGIL_REDIS_URL / VIGIL_CLUSTER, then the config file, then localhost. */
export function resolveConnection(
  flags: ConnectionFlags,
  env: Record<string, string | undefined>,
  file: { path: string; file: ConfigFile } | undefined,
): ResolvedConnection {
  const set = [flags.redis && "--redis", flags.cluster && "--cluster", flags.sentinel && "--sentinel"].filter(Boolean);
  if (set.length > 1) throw new UsageError(`give only one of --redis, --cluster, --sentinel (got ${set.join(", ")})`);
  if (flags.redis) return { connection: flags.redis, source: "flag --redis", display: redact(flags.redis) };
  if (flags.cluster)
    return {
      connection: { cluster: nodes(flags.cluster, "--cluster") },
      source: "flag --cluster",
      display: flags.cluster,
    };
  if (flags.sentinel)
    return {
      connection: sentinel(flags.sentinel, flags.sentinelMaster ?? env.VIGIL_SENTINEL_MASTER, "--sentinel"),
      source: "flag --sentinel",
      display: `${flags.sentinel} (master ${flags.sentinelMaster ?? env.VIGIL_SENTINEL_MASTER})`,
    };
  if (env.VIGIL_REDIS_URL)
    return { connection: env.VIGIL_REDIS_URL, source: "env VIGIL_REDIS_URL", display: redact(env.VIGIL_REDIS_URL) };
  if (env.VIGIL_CLUSTER)
    return {
      connection: { cluster: nodes(env.VIGIL_CLUSTER, "VIGIL_CLUSTER") },
      source: "env VIGIL_CLUSTER",
      display: env.VIGIL_CLUSTER,
    };
  if (file) {
    const f = file.file;
    if (f.redis) return { connection: f.redis, source: `config ${file.path}`, display: redact(f.redis) };
    if (f.cluster)
      return {
        connection: { cluster: nodes(f.cluster, `${file.path}: cluster`) },
        source: `config ${file.path}`,
        display: String(f.cluster),
      };
    if (f.sentinel)
      return {
        connection: sentinel(f.sentinel.addrs, f.sentinel.master, `${file.path}: sentinel`, f.sentinel.password),
        source: `config ${file.path}`,
        display: `${String(f.sentinel.addrs)} (master ${f.sentinel.master})`,
      };
  }
  return { connection: DEFAULT_URL, source: "default", display: DEFAULT_URL };
}

/** A URL with its password replaced by `***`, safe to print. */
export function redact(url: string): string {
  return url.replace(/^(\w[\w+.-]*:\/\/)([^:@/]*):([^@/]*)@/, "$1$2:***@");
}
