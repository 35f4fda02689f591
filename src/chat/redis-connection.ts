import type { BullRootModuleOptions } from '@nestjs/bull';
import { Cluster } from 'ioredis';

/** One node of a Redis Cluster, as `REDIS_CLUSTER_NODES` lists them. */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/** The key prefix of the demo's queue on a Redis Cluster when `WEBHOOKS_QUEUE_PREFIX` is unset: a hash tag keeps every key in one slot. */
export const CLUSTER_QUEUE_PREFIX = '{webhooks}';

/** Bull takes `redis://` URLs as they are; `rediss://` needs its TLS spelled out. */
function redisOptions(redisUrl: string) {
  const url = new URL(redisUrl);
  if (url.protocol !== 'rediss:') return redisUrl;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: {},
  };
}

/**
 * Bull's connection for the demo: one Redis by URL, or a Redis Cluster. On a cluster each of
 * Bull's three clients is an ioredis `Cluster` (the blocking and subscribing ones with no
 * retry limit and no ready check, as Bull requires), and the prefix carries a hash tag.
 * `close()` ends the cluster clients, which Bull leaves to whoever made them.
 */
export function bullConnection(o: { redisUrl: string; clusterNodes?: RedisClusterNode[]; queuePrefix?: string }): {
  options: BullRootModuleOptions;
  close: () => Promise<void>;
} {
  if (!o.clusterNodes?.length) return { options: { redis: redisOptions(o.redisUrl), prefix: o.queuePrefix }, close: async () => undefined };
  const clients: Cluster[] = [];
  const nodes = o.clusterNodes;
  return {
    options: {
      prefix: o.queuePrefix ?? CLUSTER_QUEUE_PREFIX,
      createClient: (type) => {
        const blocking = type !== 'client';
        const client = new Cluster(nodes, {
          enableReadyCheck: !blocking,
          redisOptions: { maxRetriesPerRequest: blocking ? null : 20, enableReadyCheck: false },
        });
        clients.push(client);
        return client;
      },
    },
    close: async () => {
      await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
