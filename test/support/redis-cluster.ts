import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { eventually } from './receiver-checks.js';
import { freePort } from './services.js';

export interface PrivateRedisCluster {
  nodes: Array<{ host: string; port: number }>;
  /** `host:port,...`, as `REDIS_CLUSTER_NODES` takes them. */
  spec: string;
  /** FLUSHALL on every master: the whole cluster loses its data. */
  flushAll(): Promise<void>;
  stop(): Promise<void>;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
}

/**
 * Three private `redis-server --cluster-enabled yes` on free ports of 127.0.0.1, joined into
 * one cluster with no replicas by `redis-cli --cluster create`; never the shared Redis.
 * Fails loudly when `redis-server` or `redis-cli` is missing.
 */
export async function startRedisCluster(): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const servers: ChildProcess[] = [];
  const stop = async () => {
    for (const server of servers) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run('redis-server', ['--version']).catch((err: Error) => {
      throw new Error(`redis-server is not available (${err.message}): install Redis (apt-get install redis-server).`);
    });
    for (const port of ports) {
      const server = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-node-timeout', '5000', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
        { stdio: 'ignore' },
      );
      server.once('error', () => undefined); // a missing binary failed the check above
      servers.push(server);
    }
    for (const port of ports) {
      await eventually(async () => {
        const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        try {
          await c.connect();
          return (await c.ping()) === 'PONG' ? true : undefined;
        } finally {
          c.disconnect();
        }
      }, 10_000, `redis-server on ${port}`);
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      await eventually(async () => {
        const info = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
        return info.includes('cluster_state:ok') ? true : undefined;
      }, 20_000, `the cluster to be ok on ${port}`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const nodes = ports.map((port) => ({ host: '127.0.0.1', port }));
  return {
    nodes,
    spec: nodes.map((n) => `${n.host}:${n.port}`).join(','),
    flushAll: async () => {
      await Promise.all(ports.map((port) => run('redis-cli', ['-p', String(port), 'flushall'])));
    },
    stop,
  };
}
