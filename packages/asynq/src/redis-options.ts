// How every Vigil constructor connects to Redis: a URL, a Sentinel or Cluster description, or a ready client.
// ioredis does the connecting; this module only turns Vigil's options into ioredis ones.
import { Cluster, Redis, type ClusterOptions, type RedisOptions as IORedisOptions } from "ioredis";
import { InvalidOptionError } from "./errors.js";

/** One Redis node address. */
export interface RedisNode {
  host: string;
  port: number;
}

/** A Sentinel-managed primary. */
export interface SentinelConnection {
  sentinels: RedisNode[];
  /** The primary's name as the sentinels know it (Go: MasterName). */
  name: string;
  db?: number;
  username?: string;
  password?: string;
  sentinelUsername?: string;
  sentinelPassword?: string;
  /** Extra ioredis options. */
  options?: IORedisOptions;
}

/** A Redis Cluster, by some of its nodes. */
export interface ClusterConnection {
  cluster: RedisNode[];
  username?: string;
  password?: string;
  /** Extra ioredis Cluster options. */
  options?: ClusterOptions;
}

/** A single node by URL plus extra ioredis options. */
export interface UrlConnection {
  url: string;
  options?: IORedisOptions;
}

/**
 * Where Redis is: a URL (`redis://[user:pass@]host:port/db`, `rediss://…` for TLS,
 * `redis-socket:///path?db=N`, `redis-sentinel://[:pass@]h1:p1,h2:p2[/db]?master=name`),
 * a {@link UrlConnection}, {@link SentinelConnection} or {@link ClusterConnection},
 * or an ioredis `Redis`/`Cluster` the caller owns (Vigil then never closes it).
 */
export type RedisConnectionOption = string | UrlConnection | SentinelConnection | ClusterConnection | Redis | Cluster;

/** A connection and whether Vigil opened it (and so must close it). */
export interface OwnedConnection {
  redis: Redis | Cluster;
  owned: boolean;
}

const op = "redis.connect";

function parseNodes(list: string, where: string): RedisNode[] {
  return list.split(",").map((hp) => {
    const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(hp.trim());
    if (!m) throw new InvalidOptionError(op, where, hp, "host:port, comma separated");
    return { host: m[1]!, port: Number(m[2]) };
  });
}

/** Parses a Redis URL into ioredis options (Go asynq's ParseRedisURI forms). */
export function parseRedisUrl(url: string): SentinelConnection | UrlConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch (cause) {
    throw new InvalidOptionError(op, "redis URL", url, "redis://, rediss://, redis-socket:// or redis-sentinel:// URL");
  }
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const dbText = u.pathname.replace(/^\//, "") || u.searchParams.get("db") || "0";
  switch (u.protocol) {
    case "redis:":
    case "rediss:": {
      const db = Number(dbText);
      if (!Number.isInteger(db) || db < 0)
        throw new InvalidOptionError(op, "redis URL database", dbText, "an integer >= 0");
      return { url };
    }
    case "redis-socket:": {
      const db = Number(u.searchParams.get("db") ?? "0");
      return { url: "", options: { path: decodeURIComponent(u.pathname), db, username, password } };
    }
    case "redis-sentinel:": {
      const name = u.searchParams.get("master");
      if (!name) throw new InvalidOptionError(op, "redis-sentinel URL master", url, "?master=<name> in the URL");
      const hosts = url.replace(/^redis-sentinel:\/\/([^@]*@)?/, "").split(/[/?]/)[0] ?? "";
      const db = Number(dbText);
      return {
        sentinels: parseNodes(hosts, "redis-sentinel URL hosts"),
        name,
        db,
        sentinelPassword: password,
        password,
      };
    }
    default:
      throw new InvalidOptionError(
        op,
        "redis URL scheme",
        u.protocol,
        "redis:, rediss:, redis-socket:, redis-sentinel:",
      );
  }
}

/** Opens (or adopts) a connection from a {@link RedisConnectionOption}. */
export function connect(opt: RedisConnectionOption, extra: IORedisOptions = {}): OwnedConnection {
  if (opt instanceof Redis || opt instanceof Cluster) return { redis: opt, owned: false };
  let c: SentinelConnection | UrlConnection | ClusterConnection;
  if (typeof opt === "string") c = parseRedisUrl(opt);
  else if ("url" in opt && typeof opt.url === "string" && opt.url !== "") {
    const parsed = parseRedisUrl(opt.url);
    c =
      "sentinels" in parsed
        ? { ...parsed, options: { ...opt.options } }
        : { ...parsed, options: { ...parsed.options, ...opt.options } };
  } else c = opt;
  const redis = open(c, extra);
  // Command failures surface through the rejected promises of the calls that hit them; without a listener
  // ioredis would also print every reconnect attempt to stderr.
  redis.on("error", () => {});
  return { redis, owned: true };
}

function open(c: SentinelConnection | UrlConnection | ClusterConnection, extra: IORedisOptions): Redis | Cluster {
  if ("cluster" in c) {
    if (!Array.isArray(c.cluster) || c.cluster.length === 0)
      throw new InvalidOptionError(op, "cluster", c.cluster, "a non-empty list of {host, port}");
    return new Cluster(c.cluster, {
      ...c.options,
      redisOptions: { username: c.username, password: c.password, ...extra, ...c.options?.redisOptions },
    });
  }
  if ("sentinels" in c) {
    return new Redis({
      sentinels: c.sentinels,
      name: c.name,
      db: c.db,
      username: c.username,
      password: c.password,
      sentinelUsername: c.sentinelUsername,
      sentinelPassword: c.sentinelPassword,
      ...extra,
      ...c.options,
    });
  }
  if (typeof c.url !== "string") throw new InvalidOptionError(op, "url", c.url, "a redis:// URL string");
  return c.url ? new Redis(c.url, { ...extra, ...c.options }) : new Redis({ ...extra, ...c.options });
}

/** The primary nodes of a connection: the one node, or every Cluster master. */
export function primaries(redis: Redis | Cluster): Redis[] {
  return redis instanceof Cluster ? redis.nodes("master") : [redis];
}
