// Server: runs handlers for tasks of its queues with Go asynq's semantics (spec §6-§8, §11) and its
// background services (heartbeater, forwarder, recoverer, janitor, aggregator, subscriber, healthchecker).
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { AsynqError, InvalidOptionError } from "./errors.js";
import { type Handler, type HandlerFunc, isHandlerLike, toHandlerFunc } from "./handler.js";
import type { Broker } from "./internal/base/broker.js";
import { RedisBroker } from "./internal/rdb/rdb.js";
import { Aggregator } from "./internal/services/aggregator.js";
import { Forwarder } from "./internal/services/forwarder.js";
import { Healthchecker } from "./internal/services/healthchecker.js";
import { Heartbeater, type ServerIdentity, type ServerStatus, localHost } from "./internal/services/heartbeater.js";
import { Janitor } from "./internal/services/janitor.js";
import { Processor } from "./internal/services/processor.js";
import { Recoverer } from "./internal/services/recoverer.js";
import { Subscriber } from "./internal/services/subscriber.js";
import { type RedisConnectionOption, connect } from "./redis-options.js";
import { type ResolvedServerOptions, type ServerOptions, resolveServerOptions } from "./server-options.js";

/** Go's ErrServerClosed: the server was shut down and cannot be started again. */
export class ServerClosedError extends AsynqError {
  override name = "ServerClosedError";
  constructor(op: string) {
    super(op, "FAILED_PRECONDITION", "asynq: Server closed");
  }
}
/** True when `e` is a {@link ServerClosedError}. */
export const isServerClosedError = (e: unknown): e is ServerClosedError => e instanceof ServerClosedError;

/** The background services of one started server. */
interface Services {
  processor: Processor;
  heartbeater: Heartbeater;
  forwarder: Forwarder;
  recoverer: Recoverer;
  janitor: Janitor;
  aggregator: Aggregator;
  subscriber: Subscriber;
  healthchecker: Healthchecker;
}

/**
 * Timeout of each command on the connections a Server opens (go-redis's default ReadTimeout, 3 s): a Redis that
 * stops answering shows up as logged errors of every service instead of silently hanging them. A connection
 * given as `{ url, options: { commandTimeout } }` overrides it; an ioredis client passed in is used as it is.
 */
const COMMAND_TIMEOUT_MS = 3000;

let injectedBroker: Broker | undefined;

/**
 * Processes tasks. Go: asynq.Server.
 * @example
 * const srv = new Server("redis://127.0.0.1:6379", { concurrency: 10, queues: { critical: 6, default: 3 } });
 * await srv.run(mux); // until SIGINT/SIGTERM
 */
export class Server {
  /** The options after defaults and validation. */
  readonly options: ResolvedServerOptions;
  /** Host, pid and server id, as written in heartbeats. */
  readonly identity: ServerIdentity;
  private readonly broker: Broker;
  private readonly ownsBroker: boolean;
  private readonly logger: Logger;
  private state: "new" | "active" | "stopped" | "closed" = "new";
  private services: Services | undefined;
  private shuttingDown: Promise<void> | undefined;
  private closedListeners: (() => void)[] = [];

  /** Connects lazily to Redis at `connection`; throws InvalidOptionError naming a bad option. */
  constructor(connection: RedisConnectionOption, options: ServerOptions = {}) {
    this.options = resolveServerOptions(options);
    this.identity = Object.freeze({ host: localHost(), pid: process.pid, serverId: randomUUID() });
    this.logger = this.options.logger.child({ serverId: this.identity.serverId });
    if (injectedBroker) {
      this.broker = injectedBroker;
      this.ownsBroker = false;
    } else {
      const { redis, owned } = connect(connection, { lazyConnect: true, commandTimeout: COMMAND_TIMEOUT_MS });
      this.broker = new RedisBroker(redis, { clock: this.options.clock, ownsConnection: owned });
      this.ownsBroker = true;
    }
  }

  /** `active`, `stopped` (no longer fetching) or `closed` (shut down); `new` before start. */
  get status(): "new" | ServerStatus {
    return this.state;
  }

  /** Starts processing with `handler` (a ServeMux, Handler or function) and returns; see {@link shutdown}. */
  async start(handler: Handler | HandlerFunc): Promise<void> {
    const op = "server.start";
    if (this.state === "closed") throw new ServerClosedError(op);
    if (this.state !== "new") throw new AsynqError(op, "FAILED_PRECONDITION", "asynq: the server is already running");
    if (!isHandlerLike(handler)) {
      throw new InvalidOptionError(op, "handler", handler, "a ServeMux, a Handler or a function (task, ctx)");
    }
    await this.broker.ping();
    if (this.state !== "new") throw new ServerClosedError(op);
    this.state = "active";
    const s = this.createServices(toHandlerFunc(handler));
    this.services = s;
    const o = this.options;
    this.logger.info(
      { concurrency: o.concurrency, queues: o.queues, strictPriority: o.strictPriority },
      "starting processing",
    );
    s.heartbeater.start();
    s.healthchecker.start();
    const subscribed = s.subscriber.start();
    s.recoverer.start();
    s.forwarder.start();
    s.processor.start();
    s.janitor.start();
    s.aggregator.start();
    await subscribed;
  }

  /** Starts, then shuts down on SIGTERM or SIGINT (SIGTSTP stops fetching); resolves once shut down. */
  async run(handler: Handler | HandlerFunc): Promise<void> {
    await this.start(handler);
    const onTerm = (): void => void this.shutdown();
    const onStop = (): void => this.stop();
    process.once("SIGTERM", onTerm);
    process.once("SIGINT", onTerm);
    if (process.platform !== "win32") process.on("SIGTSTP", onStop);
    try {
      await new Promise<void>((resolve) => this.closedListeners.push(resolve));
    } finally {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onTerm);
      process.off("SIGTSTP", onStop);
    }
  }

  /** Stops taking new tasks; running tasks finish (Go: Stop). Heartbeats report `stopped`. */
  stop(): void {
    if (this.state !== "active") return;
    this.state = "stopped";
    this.logger.info("stopping processor: no new tasks will be taken");
    this.services?.processor.stop();
  }

  /**
   * Graceful shutdown (spec §6.12): stop fetching, wait up to shutdownTimeout for running tasks, requeue
   * the unfinished, stop every service, clear the server's heartbeat records last. Idempotent.
   */
  shutdown(): Promise<void> {
    this.shuttingDown ??= this.doShutdown();
    return this.shuttingDown;
  }

  /** PINGs Redis. */
  ping(): Promise<void> {
    return this.broker.ping();
  }

  private async doShutdown(): Promise<void> {
    const wasStarted = this.state !== "new";
    this.state = "closed";
    const s = this.services;
    if (wasStarted && s) {
      this.logger.info("shutting down");
      await s.forwarder.stop();
      await s.processor.shutdown();
      await s.recoverer.stop();
      await s.subscriber.stop();
      await s.janitor.stop();
      await s.aggregator.stop();
      await s.healthchecker.stop();
      await s.heartbeater.stop();
    }
    if (this.ownsBroker) {
      try {
        await this.broker.close();
      } catch (err) {
        this.logger.warn({ err }, "closing the Redis connection failed");
      }
    }
    if (wasStarted) this.logger.info("shutdown complete");
    for (const l of this.closedListeners.splice(0)) l();
  }

  private createServices(handler: HandlerFunc): Services {
    const { broker, options } = this;
    const log = (service: string): Logger => this.logger.child({ service });
    const processor = new Processor({ broker, options, handler, logger: log("processor") });
    const status = (): ServerStatus => (this.state === "new" ? "active" : this.state);
    return {
      processor,
      heartbeater: new Heartbeater(
        broker,
        options,
        this.identity,
        { status, activeTasks: () => processor.activeTasks(), waitingTasks: () => processor.waitingTasks() },
        log("heartbeater"),
      ),
      forwarder: new Forwarder(broker, options, log("forwarder"), () => processor.wake()),
      recoverer: new Recoverer(broker, options, log("recoverer")),
      janitor: new Janitor(broker, options, log("janitor")),
      aggregator: new Aggregator(broker, options, log("aggregator")),
      subscriber: new Subscriber(broker, (id) => processor.cancel(id), log("subscriber")),
      healthchecker: new Healthchecker(broker, options, log("healthchecker")),
    };
  }
}

/**
 * Builds a Server on an existing Broker (internal: tests wrap the real broker to inject faults).
 * The broker is not closed by shutdown().
 */
export function serverWithBroker(broker: Broker, options: ServerOptions = {}): Server {
  injectedBroker = broker;
  try {
    return new Server("redis://unused", options);
  } finally {
    injectedBroker = undefined;
  }
}
