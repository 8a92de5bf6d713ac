import { Cluster, Redis, type RedisOptions } from "ioredis";

export type RedisClient = Redis | Cluster;

/** Fail fast while Redis is away (no offline queue), reconnect forever in the background. */
const COMMON: RedisOptions = {
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  connectTimeout: 2_000,
  retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
};

/**
 * What `npm start` adds for the chat store's client: the commands of many chats'
 * turns issued in one tick leave in one write (fewer syscalls under load).
 */
export const STORE_CLIENT_OPTIONS: RedisOptions = { enableAutoPipelining: true };

/**
 * Builds an ioredis client from REDIS_URL:
 *   redis://[:pass@]host:6379/0, rediss://…            single node (TLS with rediss)
 *   redis-sentinel://[:pass@]h1:26379,h2:26379/mymaster  Sentinel (master name as path)
 *   redis-cluster://[:pass@]h1:6379,h2:6379             Cluster (keys use {chat} hash tags)
 */
export function createRedis(
  url: string,
  extra: RedisOptions = {},
  onError: (err: Error) => void = () => {},
): RedisClient {
  const client = build(url, extra);
  // ioredis prints unhandled "error" events to the console; route them to the caller instead.
  client.on("error", onError);
  return client;
}

function build(url: string, extra: RedisOptions): RedisClient {
  const parsed = /^(redis-sentinel|redis-cluster):\/\/(?:([^@]*)@)?([^/?#]+)(?:\/([^?#]*))?/.exec(url);
  if (parsed === null) return new Redis(url, { ...COMMON, ...extra });
  const [, scheme, auth, hostList = "", path] = parsed;
  const password = auth?.includes(":") ? decodeURIComponent(auth.slice(auth.indexOf(":") + 1)) : undefined;
  const nodes = hostList.split(",").map((hp) => {
    const [host = "127.0.0.1", port] = hp.split(":");
    return { host, port: Number(port ?? (scheme === "redis-sentinel" ? 26379 : 6379)) };
  });
  if (scheme === "redis-sentinel") {
    if (!path)
      throw new Error(
        "REDIS_URL redis-sentinel:// needs the master name as path: redis-sentinel://h1:26379/mymaster",
      );
    return new Redis({
      ...COMMON,
      ...extra,
      sentinels: nodes,
      name: path,
      ...(password ? { password } : {}),
    });
  }
  return new Cluster(nodes, {
    redisOptions: { ...COMMON, ...extra, ...(password ? { password } : {}) },
    enableOfflineQueue: false,
  });
}

/** Resolves once the client is ready, or rejects after `timeoutMs`. */
export async function waitReady(client: RedisClient, timeoutMs = 5_000): Promise<void> {
  if (client.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off("ready", onReady);
    };
    client.on("ready", onReady);
  });
}
