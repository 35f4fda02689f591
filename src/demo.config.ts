import { readFileSync } from 'node:fs';
import { DatabaseUrlError, parseDatabaseUrl } from './chat/ensure-database.js';
import type { DemoDatabaseType } from './chat/ensure-database.js';
import type { RedisClusterNode } from './chat/redis-connection.js';
import { hasHashTag } from './webhooks/errors/webhook-redis-cluster.error.js';
import type { WebhooksModuleExtras, WebhooksModuleOptions } from './webhooks/index.js';

export const DEFAULT_PORT = 3000;
export const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/live_chat';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The webhook options the demo passes on; the admin guard comes from `adminToken`. */
export type DemoWebhooksOptions = WebhooksModuleOptions & Omit<WebhooksModuleExtras, 'adminGuards'>;

/** Everything the demo host needs to start, read from the environment by `loadDemoConfig`. */
export interface DemoConfig {
  port: number;
  databaseUrl: string;
  databaseType: DemoDatabaseType;
  redisUrl: string;
  /** From `REDIS_CLUSTER_NODES` (`host:port,...`): a Redis Cluster, used instead of `redisUrl`. */
  redisClusterNodes?: RedisClusterNode[];
  /** Set: the admin API wants `Authorization: Bearer <adminToken>` (a platform admin). Unset, with no `accountTokens`: it is open. */
  adminToken?: string;
  /**
   * From `ACCOUNT_TOKENS=acct-1:tokenA,acct-2:tokenB`: token → account. Each token acts as that
   * account's admin (`adminScope`); once set, the admin API wants a token, platform or account.
   */
  accountTokens?: Record<string, string>;
  webhooks: DemoWebhooksOptions;
  /** Bull key prefix from `WEBHOOKS_QUEUE_PREFIX` (Bull's default `bull` when unset); tests give each run its own. */
  queuePrefix?: string;
  /** TypeORM connection attempts at start (TypeORM's default 10 when unset); tests use 0. */
  retryAttempts?: number;
  /** Things worth a log line that do not stop the start, such as an unknown `WEBHOOKS_*` variable. */
  warnings: string[];
}

/** Thrown by `loadDemoConfig` with every invalid variable named in its message. */
export class DemoConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid demo configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'DemoConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** A `WEBHOOKS_*` variable and how it becomes its option. */
interface WebhookVariable {
  option: keyof DemoWebhooksOptions;
  parse: (raw: string, name: string) => unknown;
}

const WEBHOOK_VARIABLES: Record<string, WebhookVariable> = {
  WEBHOOKS_REQUIRE_HTTPS: { option: 'requireHttps', parse: parseBoolean },
  WEBHOOKS_ALLOW_PRIVATE_NETWORKS: { option: 'allowPrivateNetworks', parse: parseBoolean },
  WEBHOOKS_REQUEST_TIMEOUT_MS: { option: 'requestTimeoutMs', parse: (raw, name) => parseInteger(raw, name, 1) },
  WEBHOOKS_RETRY_DELAYS_MS: { option: 'retryDelaysMs', parse: parseDelays },
  WEBHOOKS_AUTO_DISABLE_AFTER: { option: 'autoDisableAfter', parse: (raw, name) => parseInteger(raw, name, 1) },
  WEBHOOKS_CONCURRENCY: { option: 'concurrency', parse: (raw, name) => parseInteger(raw, name, 1) },
  WEBHOOKS_PER_ENDPOINT_CONCURRENCY: { option: 'perEndpointConcurrency', parse: (raw, name) => parseInteger(raw, name, 1) },
  WEBHOOKS_BREAKER_THRESHOLD: { option: 'breakerThreshold', parse: (raw, name) => parseInteger(raw, name, 1) },
  WEBHOOKS_BREAKER_COOLDOWN_MS: { option: 'breakerCooldownMs', parse: (raw, name) => parseInteger(raw, name, 1) },
  WEBHOOKS_PROCESS_DELIVERIES: { option: 'processDeliveries', parse: parseBoolean },
  WEBHOOKS_MAX_RESPONSE_BODY_BYTES: { option: 'maxResponseBodyBytes', parse: (raw, name) => parseInteger(raw, name, 0) },
  WEBHOOKS_DELIVERY_RETENTION_DAYS: { option: 'deliveryRetentionDays', parse: (raw, name) => parseInteger(raw, name, 1) },
  WEBHOOKS_USER_AGENT: { option: 'userAgent', parse: (raw) => raw },
  WEBHOOKS_SECRET_ENCRYPTION_KEY: { option: 'secretEncryptionKey', parse: parseEncryptionKey },
  WEBHOOKS_ADMIN_PATH: { option: 'adminPath', parse: parseAdminPath },
  WEBHOOKS_ADMIN_UI: { option: 'adminUi', parse: parseBoolean },
  WEBHOOKS_RECONCILE_INTERVAL_MS: { option: 'reconcileIntervalMs', parse: (raw, name) => parseInteger(raw, name, 100) },
  WEBHOOKS_TLS_CA_FILE: { option: 'tls', parse: parseCaFile },
};

/** Variables of the demo host itself, under the same prefix. */
const HOST_VARIABLES = new Set(['WEBHOOKS_QUEUE_PREFIX']);

/** The `WEBHOOKS_*` variables `loadDemoConfig` understands. */
export const WEBHOOK_ENV_VARIABLES: readonly string[] = Object.keys(WEBHOOK_VARIABLES);

/**
 * Reads the demo's environment (CONTRACT section 5): `PORT`, `DATABASE_URL`,
 * `REDIS_URL`, `ADMIN_TOKEN` and the `WEBHOOKS_*` options. An empty variable
 * counts as unset. Throws a `DemoConfigError` naming every invalid variable.
 */
export function loadDemoConfig(env: Env = process.env): DemoConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof DemoConfigError) problems.push(...err.problems);
      else if (err instanceof DatabaseUrlError) problems.push(err.message);
      else throw err;
      return undefined;
    }
  };

  const port = attempt(() => {
    const raw = read('PORT');
    return raw === undefined ? DEFAULT_PORT : parseInteger(raw, 'PORT', 0, 65_535);
  });
  const databaseUrl = read('DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  const database = attempt(() => parseDatabaseUrl(databaseUrl, 'DATABASE_URL'));
  const redisUrl = read('REDIS_URL') ?? DEFAULT_REDIS_URL;
  attempt(() => parseRedisUrl(redisUrl, 'REDIS_URL'));
  const clusterRaw = read('REDIS_CLUSTER_NODES');
  const redisClusterNodes = clusterRaw === undefined ? undefined : attempt(() => parseClusterNodes(clusterRaw, 'REDIS_CLUSTER_NODES'));
  const queuePrefix = attempt(() => {
    const raw = read('WEBHOOKS_QUEUE_PREFIX');
    if (raw !== undefined && !/^[A-Za-z0-9_.:{}-]{1,100}$/.test(raw)) {
      throw new DemoConfigError([`WEBHOOKS_QUEUE_PREFIX must be letters, digits, _ . : - { or }; got "${raw}".`]);
    }
    if (raw !== undefined && clusterRaw !== undefined && !hasHashTag(raw)) {
      throw new DemoConfigError([
        `WEBHOOKS_QUEUE_PREFIX must carry a hash tag on a Redis Cluster (e.g. "{${raw}}"), so every key of the queue is in one slot; got "${raw}".`,
      ]);
    }
    return raw;
  });
  const adminToken = read('ADMIN_TOKEN');
  const accountTokens = attempt(() => {
    const raw = read('ACCOUNT_TOKENS');
    return raw === undefined ? undefined : parseAccountTokens(raw, 'ACCOUNT_TOKENS', adminToken);
  });
  if (accountTokens && Object.keys(accountTokens).some((token) => token.length < 16)) {
    warnings.push('ACCOUNT_TOKENS has a token shorter than 16 characters: use long random values (e.g. `openssl rand -hex 32`).');
  }
  if (adminToken === undefined && accountTokens) {
    warnings.push('ACCOUNT_TOKENS is set but ADMIN_TOKEN is not: there is no platform admin, only the accounts\' own.');
  } else if (adminToken === undefined) {
    warnings.push('ADMIN_TOKEN is not set: the webhooks admin API is open to anyone who can reach this port.');
  } else if (adminToken.length < 16) {
    warnings.push('ADMIN_TOKEN is shorter than 16 characters: use a long random value (e.g. `openssl rand -hex 32`).');
  }

  const webhooks: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(WEBHOOK_VARIABLES)) {
    const raw = read(name);
    if (raw === undefined) continue;
    const value = attempt(() => variable.parse(raw, name));
    if (value !== undefined) webhooks[variable.option] = value;
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith('WEBHOOKS_') && !(name in WEBHOOK_VARIABLES) && !HOST_VARIABLES.has(name)) {
      warnings.push(`Unknown variable ${name} is ignored; the demo reads ${WEBHOOK_ENV_VARIABLES.join(', ')}.`);
    }
  }

  if (problems.length > 0) throw new DemoConfigError(problems);
  return {
    port: port!,
    databaseUrl,
    databaseType: database!.type,
    redisUrl,
    ...(redisClusterNodes ? { redisClusterNodes } : {}),
    adminToken,
    ...(accountTokens ? { accountTokens } : {}),
    webhooks: webhooks as DemoWebhooksOptions,
    ...(queuePrefix ? { queuePrefix } : {}),
    warnings,
  };
}

/**
 * `account:token,account:token,...` into token → account. An account id is letters, digits
 * and `_ . - @`; a token is anything but commas and spaces. No token may repeat, nor be the
 * `ADMIN_TOKEN` (it could not say whose admin it is).
 */
export function parseAccountTokens(raw: string, name: string, adminToken?: string): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: string[] = [];
  for (const part of raw.split(',').map((p) => p.trim())) {
    const colon = part.indexOf(':');
    const accountId = colon < 0 ? '' : part.slice(0, colon).trim();
    const token = colon < 0 ? '' : part.slice(colon + 1).trim();
    if (!/^[A-Za-z0-9_.@-]{1,191}$/.test(accountId) || !token || /\s/.test(token)) {
      problems.push(`${name} must be account:token pairs separated by commas (e.g. acct-1:tokenA,acct-2:tokenB); "${part}" is not one.`);
    } else if (token in out || token === adminToken) {
      problems.push(`${name} gives the token of account "${accountId}" twice or as ADMIN_TOKEN's: each token must be its own.`);
    } else {
      out[token] = accountId;
    }
  }
  if (problems.length > 0) throw new DemoConfigError(problems);
  return out;
}

/** `true`/`false`/`1`/`0` (any case, also `yes`/`no`). */
export function parseBoolean(raw: string, name: string): boolean {
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  throw new DemoConfigError([`${name} must be true, false, 1 or 0; got "${raw}".`]);
}

/** A whole number in decimal digits within `[min, max]`. */
export function parseInteger(raw: string, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const value = raw.trim();
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new DemoConfigError([`${name} must be a whole number ${range}; got "${raw}".`]);
  }
  return number;
}

/** Comma-separated milliseconds, e.g. `60000,300000`; `none` for no retries. */
export function parseDelays(raw: string, name: string): number[] {
  if (raw.trim().toLowerCase() === 'none') return [];
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^\d+$/.test(part) || !Number.isSafeInteger(Number(part)))) {
    throw new DemoConfigError([
      `${name} must be comma-separated whole numbers of milliseconds (e.g. 60000,300000) or "none"; got "${raw}".`,
    ]);
  }
  return parts.map(Number);
}

/** 64 hex digits, base64 of 32 bytes, or 32 characters of plain ASCII. */
function parseEncryptionKey(raw: string, name: string): string {
  const hex = /^[0-9a-fA-F]{64}$/.test(raw);
  const base64 = /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) && Buffer.from(raw, 'base64').length === 32;
  if (hex || base64 || Buffer.byteLength(raw) === 32) return raw;
  throw new DemoConfigError([
    `${name} must be a 32-byte key: 64 hex digits or base64 of 32 bytes (make one with \`openssl rand -base64 32\`).`,
  ]);
}

/** A PEM file of CA certificates the receivers' certificates may chain to, besides Node's own store. */
function parseCaFile(raw: string, name: string): { ca: string } {
  let pem: string;
  try {
    pem = readFileSync(raw, 'utf8');
  } catch (err) {
    throw new DemoConfigError([`${name} must name a readable PEM file; reading "${raw}" failed: ${(err as Error).message}`]);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new DemoConfigError([`${name} must name a PEM file of certificates (-----BEGIN CERTIFICATE-----); "${raw}" holds none.`]);
  }
  return { ca: pem };
}

function parseAdminPath(raw: string, name: string): string {
  const path = raw.replace(/^\/+|\/+$/g, '');
  if (!path || !/^[A-Za-z0-9._~\-/]+$/.test(path)) {
    throw new DemoConfigError([`${name} must be a URL path such as admin/live-chat/webhooks; got "${raw}".`]);
  }
  return path;
}

function parseRedisUrl(raw: string, name: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DemoConfigError([`${name} is not a URL ("${raw}"); e.g. redis://127.0.0.1:6379.`]);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new DemoConfigError([`${name} must start with redis:// or rediss://; got "${url.protocol}//".`]);
  }
}

/** `host:port,host:port,...`: the nodes of a Redis Cluster to start from. */
function parseClusterNodes(raw: string, name: string): RedisClusterNode[] {
  const nodes = raw.split(',').map((part) => part.trim()).filter(Boolean);
  const bad = nodes.filter((n) => !/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(n) || Number(n.split(':').pop()) > 65_535);
  if (nodes.length === 0 || bad.length > 0) {
    throw new DemoConfigError([`${name} must be host:port pairs separated by commas (e.g. "10.0.0.1:7000,10.0.0.2:7000"); got "${raw}".`]);
  }
  return nodes.map((n) => {
    const at = n.lastIndexOf(':');
    return { host: n.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(n.slice(at + 1)) };
  });
}
