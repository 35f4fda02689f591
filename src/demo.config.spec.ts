import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  DemoConfigError,
  loadDemoConfig,
  parseBoolean,
  parseDelays,
  parseInteger,
} from './demo.config.js';

/** The problems `loadDemoConfig` reports for an environment, or [] when it accepts it. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadDemoConfig(env);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(DemoConfigError);
    return (err as DemoConfigError).problems;
  }
}

describe('loadDemoConfig', () => {
  it('uses the section-5 defaults for an empty environment', () => {
    const config = loadDemoConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: DEFAULT_DATABASE_URL,
      databaseType: 'mysql',
      redisUrl: DEFAULT_REDIS_URL,
      webhooks: {},
    });
    expect(DEFAULT_DATABASE_URL).toBe('mysql://root@127.0.0.1:3306/live_chat');
    expect(DEFAULT_REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.adminToken).toBeUndefined();
    expect(config.warnings.join(' ')).toContain('ADMIN_TOKEN is not set');
  });

  it('does not read process.env when given an environment', () => {
    const before = process.env.PORT;
    process.env.PORT = '4321';
    try {
      expect(loadDemoConfig({}).port).toBe(3000);
      expect(loadDemoConfig().port).toBe(4321);
    } finally {
      if (before === undefined) delete process.env.PORT;
      else process.env.PORT = before;
    }
  });

  it('reads PORT, DATABASE_URL, REDIS_URL and ADMIN_TOKEN', () => {
    const config = loadDemoConfig({
      PORT: '8080',
      DATABASE_URL: 'mysql://chat:pw@db:3307/chat',
      REDIS_URL: 'redis://cache:6380/2',
      ADMIN_TOKEN: 'a-long-enough-admin-token',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'mysql://chat:pw@db:3307/chat',
      databaseType: 'mysql',
      redisUrl: 'redis://cache:6380/2',
      adminToken: 'a-long-enough-admin-token',
    });
    expect(config.warnings).toEqual([]);
  });

  it.each([
    ['postgres://u:p@127.0.0.1:5432/live_chat', 'postgres'],
    ['postgresql://u@127.0.0.1/live_chat', 'postgres'],
    ['mariadb://root@127.0.0.1/live_chat', 'mariadb'],
    ['mysql://root@127.0.0.1/live_chat', 'mysql'],
  ])('takes the database type from the scheme of %s', (url, type) => {
    expect(loadDemoConfig({ DATABASE_URL: url }).databaseType).toBe(type);
  });

  it('treats empty variables as unset', () => {
    const config = loadDemoConfig({ PORT: '', DATABASE_URL: ' ', ADMIN_TOKEN: '', WEBHOOKS_CONCURRENCY: '' });
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe(DEFAULT_DATABASE_URL);
    expect(config.adminToken).toBeUndefined();
    expect(config.webhooks).toEqual({});
  });

  it('maps every WEBHOOKS_* variable to its option', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadDemoConfig({
      WEBHOOKS_REQUIRE_HTTPS: 'false',
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: '1',
      WEBHOOKS_REQUEST_TIMEOUT_MS: '2500',
      WEBHOOKS_RETRY_DELAYS_MS: '1000, 5000,60000',
      WEBHOOKS_AUTO_DISABLE_AFTER: '3',
      WEBHOOKS_CONCURRENCY: '10',
      WEBHOOKS_PROCESS_DELIVERIES: '0',
      WEBHOOKS_SECRET_ENCRYPTION_KEY: key,
      WEBHOOKS_MAX_RESPONSE_BODY_BYTES: '0',
      WEBHOOKS_DELIVERY_RETENTION_DAYS: '7',
      WEBHOOKS_USER_AGENT: 'demo/1',
      WEBHOOKS_ADMIN_PATH: '/admin/hooks/',
      WEBHOOKS_ADMIN_UI: 'false',
    });
    expect(config.webhooks).toEqual({
      requireHttps: false,
      allowPrivateNetworks: true,
      requestTimeoutMs: 2500,
      retryDelaysMs: [1000, 5000, 60000],
      autoDisableAfter: 3,
      concurrency: 10,
      processDeliveries: false,
      secretEncryptionKey: key,
      maxResponseBodyBytes: 0,
      deliveryRetentionDays: 7,
      userAgent: 'demo/1',
      adminPath: 'admin/hooks',
      adminUi: false,
    });
  });

  it('reads the delivery test hooks: reconcile interval, a CA file for receivers and a queue prefix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-config-'));
    try {
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      writeFileSync(join(dir, 'ca.pem'), pem);
      writeFileSync(join(dir, 'not-a-cert.txt'), 'hello');
      const config = loadDemoConfig({
        WEBHOOKS_RECONCILE_INTERVAL_MS: '1000',
        WEBHOOKS_TLS_CA_FILE: join(dir, 'ca.pem'),
        WEBHOOKS_QUEUE_PREFIX: 'whq_test:1',
      });
      expect(config.webhooks).toEqual({ reconcileIntervalMs: 1000, tls: { ca: pem } });
      expect(config.queuePrefix).toBe('whq_test:1');
      expect(config.warnings.join(' ')).not.toContain('WEBHOOKS_QUEUE_PREFIX');
      expect(loadDemoConfig({}).queuePrefix).toBeUndefined();

      const problems = problemsOf({
        WEBHOOKS_RECONCILE_INTERVAL_MS: '10',
        WEBHOOKS_TLS_CA_FILE: join(dir, 'not-a-cert.txt'),
        WEBHOOKS_QUEUE_PREFIX: 'has space',
      });
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).toMatch(/WEBHOOKS_RECONCILE_INTERVAL_MS must be a whole number >= 100/);
      expect(problems.join('\n')).toMatch(/WEBHOOKS_TLS_CA_FILE must name a PEM file of certificates/);
      expect(problems.join('\n')).toMatch(/WEBHOOKS_QUEUE_PREFIX must be letters/);
      expect(problemsOf({ WEBHOOKS_TLS_CA_FILE: join(dir, 'missing.pem') }).join()).toMatch(/WEBHOOKS_TLS_CA_FILE must name a readable PEM file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a hex encryption key and "none" for no retries', () => {
    const config = loadDemoConfig({
      WEBHOOKS_SECRET_ENCRYPTION_KEY: 'ab'.repeat(32),
      WEBHOOKS_RETRY_DELAYS_MS: 'none',
    });
    expect(config.webhooks.secretEncryptionKey).toBe('ab'.repeat(32));
    expect(config.webhooks.retryDelaysMs).toEqual([]);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'ftp://host/db'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://root@127.0.0.1:3306/'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['WEBHOOKS_REQUIRE_HTTPS', 'yes please'],
    ['WEBHOOKS_ALLOW_PRIVATE_NETWORKS', 'on'],
    ['WEBHOOKS_PROCESS_DELIVERIES', '2'],
    ['WEBHOOKS_REQUEST_TIMEOUT_MS', '0'],
    ['WEBHOOKS_REQUEST_TIMEOUT_MS', '10s'],
    ['WEBHOOKS_REQUEST_TIMEOUT_MS', '1.5'],
    ['WEBHOOKS_AUTO_DISABLE_AFTER', '-3'],
    ['WEBHOOKS_CONCURRENCY', '0'],
    ['WEBHOOKS_RETRY_DELAYS_MS', '1000,,2000'],
    ['WEBHOOKS_RETRY_DELAYS_MS', '1000;2000'],
    ['WEBHOOKS_RETRY_DELAYS_MS', '-5'],
    ['WEBHOOKS_SECRET_ENCRYPTION_KEY', 'too-short'],
  ])('refuses %s=%j with a message naming the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it('reads REDIS_CLUSTER_NODES, and wants a hash-tagged queue prefix with it', () => {
    const config = loadDemoConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001, redis-b:7002,[::1]:7003' });
    expect(config.redisClusterNodes).toEqual([
      { host: '127.0.0.1', port: 7001 },
      { host: 'redis-b', port: 7002 },
      { host: '::1', port: 7003 },
    ]);
    expect(loadDemoConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001', WEBHOOKS_QUEUE_PREFIX: '{chat}' }).queuePrefix).toBe('{chat}');
    expect(() => loadDemoConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001', WEBHOOKS_QUEUE_PREFIX: 'chat' })).toThrow(
      'WEBHOOKS_QUEUE_PREFIX must carry a hash tag on a Redis Cluster (e.g. "{chat}")',
    );
    expect(() => loadDemoConfig({ REDIS_CLUSTER_NODES: '127.0.0.1' })).toThrow('REDIS_CLUSTER_NODES must be host:port pairs');
    expect(() => loadDemoConfig({ REDIS_CLUSTER_NODES: 'a:99999' })).toThrow('REDIS_CLUSTER_NODES must be host:port pairs');
    expect(loadDemoConfig({}).redisClusterNodes).toBeUndefined();
  });

  it('reports every invalid variable at once', () => {
    let error: unknown;
    try {
      loadDemoConfig({ PORT: 'x', WEBHOOKS_CONCURRENCY: 'y', WEBHOOKS_REQUIRE_HTTPS: 'z' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DemoConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT');
    expect(message).toContain('WEBHOOKS_CONCURRENCY');
    expect(message).toContain('WEBHOOKS_REQUIRE_HTTPS');
  });

  it('never puts a database password in its messages', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@127.0.0.1:3306/' });
    expect(problems.join(' ')).not.toContain('hunter2');
  });

  it('warns about unknown WEBHOOKS_* variables and short admin tokens without failing', () => {
    const config = loadDemoConfig({ WEBHOOKS_REQUIRE_HTTP: 'false', ADMIN_TOKEN: 'short' });
    expect(config.webhooks).toEqual({});
    expect(config.warnings.join('\n')).toContain('WEBHOOKS_REQUIRE_HTTP');
    expect(config.warnings.join('\n')).toContain('ADMIN_TOKEN is shorter');
  });
});

describe('value parsers', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['0', false],
  ])('parseBoolean(%j) is %j', (raw, expected) => {
    expect(parseBoolean(raw, 'X')).toBe(expected);
  });

  it('parseInteger keeps to its bounds', () => {
    expect(parseInteger('42', 'X')).toBe(42);
    expect(parseInteger(' 7 ', 'X', 1)).toBe(7);
    expect(() => parseInteger('0', 'X', 1)).toThrow('X must be a whole number >= 1; got "0".');
    expect(() => parseInteger('65536', 'X', 0, 65_535)).toThrow('between 0 and 65535');
    expect(() => parseInteger('99999999999999999999', 'X')).toThrow(DemoConfigError);
  });

  it('parseDelays reads comma-separated milliseconds', () => {
    expect(parseDelays('0', 'X')).toEqual([0]);
    expect(parseDelays(' 10 , 20 ', 'X')).toEqual([10, 20]);
    expect(() => parseDelays('10,abc', 'X')).toThrow('X must be comma-separated');
  });
});

describe('ACCOUNT_TOKENS', () => {
  it('reads account:token pairs into token → account', () => {
    const config = loadDemoConfig({ ADMIN_TOKEN: 'a-long-enough-admin-token', ACCOUNT_TOKENS: ' acct-1:tokenA-0123456789abcdef , acct-2:tokenB-0123456789abcdef' });
    expect(config.accountTokens).toEqual({ 'tokenA-0123456789abcdef': 'acct-1', 'tokenB-0123456789abcdef': 'acct-2' });
    expect(config.warnings.join('\n')).not.toContain('ACCOUNT_TOKENS');
  });

  it('is left out when unset or empty', () => {
    expect(loadDemoConfig({ ACCOUNT_TOKENS: ' ' }).accountTokens).toBeUndefined();
  });

  it('warns of short tokens, and of no platform admin without ADMIN_TOKEN', () => {
    const config = loadDemoConfig({ ACCOUNT_TOKENS: 'acct-1:short' });
    expect(config.accountTokens).toEqual({ short: 'acct-1' });
    expect(config.warnings.join('\n')).toContain('ACCOUNT_TOKENS has a token shorter than 16 characters');
    expect(config.warnings.join('\n')).toContain('there is no platform admin');
    expect(config.warnings.join('\n')).not.toContain('ADMIN_TOKEN is not set');
  });

  it.each([
    ['acct-1', 'is not one'],
    ['acct-1:', 'is not one'],
    [':token', 'is not one'],
    ['acct 1:token', 'is not one'],
    ['acct-1:tok en', 'is not one'],
    ['acct-1:same,acct-2:same', 'twice or as ADMIN_TOKEN'],
    ['acct-1:a-long-enough-admin-token', 'twice or as ADMIN_TOKEN'],
  ])('refuses %j', (raw, message) => {
    expect(() => loadDemoConfig({ ADMIN_TOKEN: 'a-long-enough-admin-token', ACCOUNT_TOKENS: raw })).toThrow(message);
  });
});
