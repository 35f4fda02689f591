// `npm run bench`: what a delivery costs the host, and how fast the module delivers, on this
// machine, in one run. The app runs in this process (its CPU is measured here); the HTTPS
// receiver and the load generator run in a child process (driver.mjs). SQL statements and
// Redis commands are counted where the app sends them (mysql2's and ioredis' clients).
// Prints one table and writes docs/BENCHMARKS.md. Nothing here is asserted: the figures
// are for reading, and counts and ratios measured in one run mean more than absolute times.
import 'reflect-metadata';
import { execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => import(join(ROOT, 'dist', p));
const { createDemoApp } = await dist('app.module.js');
const { WebhookPublisher, WebhookEvent } = await dist('webhooks/index.js');
const { getDataSourceToken } = await import('@nestjs/typeorm');

const N = Number(process.env.BENCH_EVENTS ?? 4000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const MEMORY_DELIVERIES = Number(process.env.BENCH_MEMORY_DELIVERIES ?? 100_000);
const ORDERED_CONVERSATIONS = Number(process.env.BENCH_ORDERED_CONVERSATIONS ?? 200);
const ORDERED_EACH = 10;
/** `module`: phase 1 alone (for a CPU profile); `ordered`: the ordered phase alone (docs/BENCHMARKS.md is left as it is). */
const ONLY = process.env.BENCH_ONLY;
const IN_FLIGHT = 50;
/** The demo route's phase: rounds alone and with one webhook, in turns. */
const ROUTE_ROUNDS = Number(process.env.BENCH_ROUTE_ROUNDS ?? 7);
const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const log = (...a) => console.log(...a);

// ---------------------------------------------------------------- counting at the clients
const counts = { sql: 0, redis: 0, inserts: 0 };
const redisByName = new Map();
const scriptNames = new Map();
/** The name a client's `defineCommand` gave the script with this SHA (Bull's and the module's). */
function scriptName(client, sha) {
  for (const [n, script] of Object.entries(client.scriptsSet ?? {})) if (script.sha === sha) return n;
  return sha.slice(0, 8);
}
const originalSend = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (command, ...rest) {
  if (this.options?.db === benchRedisDb) {
    counts.redis++;
    let name = command.name;
    if (name === 'evalsha') {
      const sha = String(command.args?.[0]);
      name = `evalsha:${scriptNames.get(sha) ?? (scriptNames.set(sha, scriptName(this, sha)), scriptNames.get(sha))}`;
    }
    redisByName.set(name, (redisByName.get(name) ?? 0) + 1);
  }
  return originalSend.call(this, command, ...rest);
};
const sqlByKind = new Map();
function countSql(pool) {
  // mysql2's core connection: every statement of the app, TypeORM's and the module's own, goes through it.
  const conn = pool._allConnections?.toArray?.()[0];
  if (!conn) throw new Error('The bench found no mysql2 connection to count statements on.');
  let proto = Object.getPrototypeOf(conn);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'query')) proto = Object.getPrototypeOf(proto);
  if (!proto || proto.__benchCounted) return;
  const original = proto.query;
  proto.query = function (sql, ...rest) {
    counts.sql++;
    const text = typeof sql === 'string' ? sql : sql?.sql ?? '';
    const kind = text.slice(0, 40).replace(/\s+/g, ' ');
    sqlByKind.set(kind, (sqlByKind.get(kind) ?? 0) + 1);
    if (/^INSERT INTO `webhook_deliveries`/.test(text)) counts.inserts++;
    return original.call(this, sql, ...rest);
  };
  proto.__benchCounted = true;
}
const snapshot = () => ({ ...counts, cpu: process.cpuUsage(), at: performance.now() });
const since = (s) => {
  const cpu = process.cpuUsage(s.cpu);
  return { sql: counts.sql - s.sql, redis: counts.redis - s.redis, inserts: counts.inserts - s.inserts, cpuMs: (cpu.user + cpu.system) / 1000, seconds: (performance.now() - s.at) / 1000 };
};

// ---------------------------------------------------------------- services
function tls() {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-bench-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'pipe' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let benchRedisDb = -1;
async function claimRedisDb() {
  for (let db = 15; db >= 1; db--) {
    const c = new Redis({ host: '127.0.0.1', port: 6379, db, maxRetriesPerRequest: 1 });
    const ok = await c.set('webhooks-bench:claimed', '1', 'PX', 3_600_000, 'NX');
    if (ok === 'OK' && (await c.dbsize()) === 1) return { db, client: c };
    if (ok === 'OK') await c.del('webhooks-bench:claimed');
    c.disconnect();
  }
  throw new Error('No empty Redis database among 1..15 on 127.0.0.1:6379 for the bench.');
}

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function startDriver(cert) {
  const child = fork(join(ROOT, 'test', 'bench', 'driver.mjs'), { env: { ...process.env, BENCH_TLS: JSON.stringify(cert), NODE_OPTIONS: '' } });
  let seq = 0;
  const pending = new Map();
  child.on('message', ({ id, ok, value, error }) => {
    const p = pending.get(id);
    pending.delete(id);
    ok ? p.resolve(value) : p.reject(new Error(error));
  });
  return {
    call: (cmd, args) => new Promise((resolve, reject) => {
      const id = ++seq;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, args });
    }),
    stop: () => child.kill(),
    pid: child.pid,
  };
}

/** CPU time (ms) a process of this machine has used so far, from /proc: the database's, Redis' and the driver's. */
function processCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

async function globalQuestions(sql) {
  const [rows] = await sql.query("SHOW GLOBAL STATUS LIKE 'Questions'");
  return Number(rows[0].Value);
}

// ---------------------------------------------------------------- the app
async function bootApp({ database, redisUrl, queuePrefix, cert, webhooks = {} }) {
  const app = await createDemoApp(
    {
      databaseUrl: `mysql://root@127.0.0.1:3306/${database}`,
      redisUrl,
      queuePrefix,
      webhooks: { allowPrivateNetworks: true, tls: { ca: cert }, concurrency: IN_FLIGHT, ...webhooks },
      retryAttempts: 0,
    },
    { logger: ['error', 'warn'] },
  );
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const ds = app.get(getDataSourceToken());
  await ds.query('SELECT 1');
  countSql(ds.driver.pool);
  return { app, url, ds, publisher: app.get(WebhookPublisher) };
}

async function createWebhook(url, body) {
  const res = await fetch(`${url}/admin/live-chat/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`Creating a webhook answered ${res.status}: ${await res.text()}`);
  return res.json();
}
const patchWebhook = (url, id, body) => fetch(`${url}/admin/live-chat/webhooks/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function pool(count, inFlight, task) {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => { while (next < count) await task(next++); }));
}

/** Waits until the module has nothing left to send (no pending or retrying row). */
async function idle(ds, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await ds.query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status IN ('pending', 'retrying')");
    if (Number(row.n) === 0) return;
    if (Date.now() > deadline) throw new Error(`${row.n} deliveries still waiting after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------- run
const cert = tls();
const { db, client: redisClient } = await claimRedisDb();
benchRedisDb = db;
const redisUrl = `redis://127.0.0.1:6379/${db}`;
const database = `wh_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
const sql = await mysql.createConnection(MYSQL);
await sql.query(`CREATE DATABASE \`${database}\``);
const driver = startDriver(cert);
const otherPids = {
  mariadb: Number(readFileSync(String((await sql.query("SELECT @@pid_file AS f"))[0][0].f), 'utf8').trim()),
  redis: Number(/process_id:(\d+)/.exec(await redisClient.info('server'))?.[1]),
  driver: driver.pid,
};
const { port: receiverPort } = await driver.call('start');
const receiver = (path) => `https://127.0.0.1:${receiverPort}${path}`;
const queuePrefix = `whb${process.pid}`;
const rows = [];
const notes = [];
const row = (what, value, how = '') => {
  rows.push([what, value, how]);
  log(`${what}: ${value}${how ? `  (${how})` : ''}`);
};

// The module-alone phase sends as many at once to its one webhook as the raw POSTs did (50);
// the worker has twice that many slots, so the hanging webhook of phase 5 holds half of them.
const PER_ENDPOINT = IN_FLIGHT;
const WORKER_SLOTS = 2 * IN_FLIGHT;
const { app, url, ds, publisher } = await bootApp({
  database, redisUrl, queuePrefix, cert: cert.cert,
  webhooks: { concurrency: WORKER_SLOTS, perEndpointConcurrency: PER_ENDPOINT },
});

/** BENCH_PROFILE=<dir>: a CPU profile of this process for each round of the demo route's phase (from its first request to its last delivery). */
async function profiling(file) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  // BENCH_PROFILE_HEAP=1: where the round allocates (a sampling heap profile, collected objects included) instead of where it spends CPU.
  const heap = Boolean(process.env.BENCH_PROFILE_HEAP);
  if (heap) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  } else {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  return {
    stop: async () => {
      const { profile } = await session.post(heap ? 'HeapProfiler.stopSampling' : 'Profiler.stop');
      writeFileSync(heap ? file.replace(/\.cpuprofile$/, '.heapprofile') : file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/**
 * BENCH_TRACE=1 (with BENCH_ONLY=ordered or route): how long the hot path's awaited calls take (count, mean ms), and a
 * sample every 100 ms of the webhook's gate and Bull's lists, written to /tmp/trace-<path>.txt per ordered run.
 * For finding where time goes; the sampler's own Redis commands are counted in the table's figures meanwhile.
 */
const timings = new Map();
if (process.env.BENCH_TRACE) {
  const wrap = (proto, name, label) => {
    const original = proto[name];
    proto[name] = function (...args) {
      const t = performance.now();
      const settle = () => {
        const e = timings.get(label) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += performance.now() - t;
        timings.set(label, e);
      };
      const r = original.apply(this, args);
      if (r && typeof r.then === 'function') r.then(settle, settle);
      else settle();
      return r;
    };
  };
  const { WebhookDeliveryStore } = await dist('webhooks/delivery-log/webhook-delivery.store.js');
  const { WebhookDeliveryQueue } = await dist('webhooks/engine/webhook-delivery.queue.js');
  const { WebhookDeliveryWriter } = await dist('webhooks/engine/webhook-delivery.writer.js');
  const { WebhookEndpointGate } = await dist('webhooks/engine/webhook-endpoint.gate.js');
  const { WebhookHttpSender } = await dist('webhooks/engine/webhook-http.sender.js');
  wrap(WebhookDeliveryStore.prototype, 'nextInOrder', 'store.nextInOrder');
  wrap(WebhookDeliveryStore.prototype, 'firstInOrder', 'store.firstInOrder');
  wrap(WebhookDeliveryQueue.prototype, 'enqueue', 'queue.enqueue');
  wrap(WebhookDeliveryWriter.prototype, 'record', 'writer.record');
  wrap(WebhookDeliveryWriter.prototype, 'insert', 'writer.insert');
  wrap(WebhookEndpointGate.prototype, 'acquire', 'gate.acquire');
  wrap(WebhookEndpointGate.prototype, 'release', 'gate.release');
  wrap(WebhookHttpSender.prototype, 'send', 'sender.send');
  const { WebhookSqlDialect } = await dist('webhooks/engine/webhook-sql.dialect.js');
  wrap(WebhookSqlDialect.prototype, 'transaction', 'sql.transaction');
  const { MysqlQueryRunner } = await import('typeorm/driver/mysql/MysqlQueryRunner.js');
  wrap(MysqlQueryRunner.prototype, 'connect', 'mysql: a pool connection');
}

/** BENCH_TRACE: every 100 ms, the webhook's slots taken and line length, Bull's counts and deliveries accepted. */
function startTrace(hookId, name, path = name) {
  const r = new Redis(redisUrl);
  const t0 = performance.now();
  const lines = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const [slotsKey] = await r.keys(`*ep:${hookId}:slots`);
      const base = slotsKey?.slice(0, -':slots'.length);
      const [slots, line, wait, active, delayed] = await Promise.all([
        base ? r.zcard(`${base}:slots`) : 0,
        base ? r.llen(`${base}:line`) : 0,
        r.keys('*:wait').then((ks) => Promise.all(ks.map((k) => r.llen(k)))).then((a) => a.reduce((x, y) => x + y, 0)),
        r.keys('*:active').then((ks) => Promise.all(ks.map((k) => r.llen(k)))).then((a) => a.reduce((x, y) => x + y, 0)),
        r.keys('*:delayed').then((ks) => Promise.all(ks.map((k) => r.zcard(k)))).then((a) => a.reduce((x, y) => x + y, 0)),
      ]);
      const { count } = await driver.call(path.startsWith('/ordered') ? 'acceptedCount' : 'count', { path });
      lines.push(`${((performance.now() - t0) / 1000).toFixed(1)}s slots=${slots} line=${line} wait=${wait} active=${active} delayed=${delayed} accepted=${count}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  })();
  return {
    mark: (what) => lines.push(`${((performance.now() - t0) / 1000).toFixed(1)}s ${what}`),
    stop: async () => {
      stopped = true;
      await loop;
      r.disconnect();
      for (const [label, e] of timings) lines.push(`${label}: ${e.n} calls, ${(e.ms / e.n).toFixed(1)} ms mean`);
      timings.clear();
      writeFileSync(`/tmp/trace${name.replaceAll('/', '-')}.txt`, lines.join('\n'));
    },
  };
}

/**
 * 8. Per-conversation ordering: 200 conversations × 10 messages to one webhook, each conversation's
 * messages published one after another (50 conversations at once), with `ordering: none` and then
 * `conversation`; then `conversation` again with one first attempt in five failing and retries after 1 s.
 * An app of its own (its own database and queue), whose retries come after 1 s; the other phases keep the defaults.
 */
async function orderedPhase() {
  const orderedDb = `${database}_o`;
  await sql.query(`CREATE DATABASE \`${orderedDb}\``);
  const o = await bootApp({
    database: orderedDb, redisUrl, queuePrefix: `${queuePrefix}o`, cert: cert.cert,
    webhooks: { concurrency: WORKER_SLOTS, perEndpointConcurrency: PER_ENDPOINT, retryDelaysMs: [1000, 1000, 1000, 1000, 1000], breakerThreshold: 1_000_000 },
  });
  const message = (c, n) => ({
    message: { id: c * 100 + n, content: `message ${n}`, createdAt: new Date() },
    conversation: { id: c, visitorName: 'Ada', status: 'open', createdAt: new Date() },
  });
  async function run(path, ordering, conversations, firstConversation) {
    const hook = await createWebhook(o.url, { name: path, url: receiver(path), events: ['message.received'], ordering });
    const total = conversations * ORDERED_EACH;
    const s = snapshot();
    timings.clear();
    const trace = process.env.BENCH_TRACE ? startTrace(hook.id, path) : undefined;
    await pool(conversations, IN_FLIGHT, async (i) => {
      for (let n = 0; n < ORDERED_EACH; n++) await o.publisher.publish(WebhookEvent.MessageReceived, message(firstConversation + i, n));
    });
    trace?.mark('published');
    await driver.call('waitForAccepted', { path, count: total, timeoutMs: 600_000 });
    await trace?.stop();
    const used = since(s);
    await idle(o.ds);
    await patchWebhook(o.url, hook.id, { enabled: false });
    const check = await driver.call('orderedCheck', { path, each: ORDERED_EACH });
    return { perSecond: total / used.seconds, perDelivery: { cpuMs: used.cpuMs / total, sql: used.sql / total, redis: used.redis / total }, check };
  }
  try {
    await run('/ordered-warm', 'conversation', Math.min(50, ORDERED_CONVERSATIONS), 100_000);
    const none = await run('/ordered-none', 'none', ORDERED_CONVERSATIONS, 200_000);
    const conv = await run('/ordered-conversation', 'conversation', ORDERED_CONVERSATIONS, 300_000);
    const failing = await run('/ordered-fail-conversation', 'conversation', ORDERED_CONVERSATIONS, 400_000);
    const total = ORDERED_CONVERSATIONS * ORDERED_EACH;
    const inOrder = (r) => `${r.check.inOrder} of ${r.check.conversations} conversations complete and in publish order`;
    const cost = (r) => `${r.perDelivery.cpuMs.toFixed(2)} ms / ${r.perDelivery.sql.toFixed(2)} / ${r.perDelivery.redis.toFixed(2)}`;
    row('ordered: ordering none, deliveries received', `${none.perSecond.toFixed(0)}/s`, `${ORDERED_CONVERSATIONS} conversations × ${ORDERED_EACH} messages, each conversation published in sequence, ${IN_FLIGHT} at once; ${inOrder(none)}`);
    row('ordered: ordering conversation, deliveries received', `${conv.perSecond.toFixed(0)}/s`, inOrder(conv));
    row('ratio conversation / none', (conv.perSecond / none.perSecond).toFixed(3), 'target ≥ 0.7');
    row('ordered, per delivery: app CPU / SQL / Redis, none', cost(none), 'from the first publish to the last delivery received');
    row('ordered, per delivery: app CPU / SQL / Redis, conversation', cost(conv));
    row(
      'ordered, 20 % of first attempts failing, retries after 1 s',
      `${failing.check.complete === failing.check.conversations && failing.check.conversations === ORDERED_CONVERSATIONS ? 'all' : 'NOT all'} ${total} arrived; ${inOrder(failing)}`,
      `${failing.check.failedOnPurpose} first attempts failed (500), ${failing.check.requests} requests; ${failing.perSecond.toFixed(0)}/s`,
    );
  } finally {
    await o.app.close();
    await sql.query(`DROP DATABASE IF EXISTS \`${orderedDb}\``);
  }
}

try {
  if (ONLY === 'ordered') {
    await orderedPhase();
    throw Object.assign(new Error('stop'), { stop: true });
  }
  // 1. Raw POSTs to the receiver, and the module alone (publish → signed POST received), same receiver.
  const bench = await createWebhook(url, { name: 'bench', url: receiver('/module'), secret: 'bench-secret', events: ['takeover.requested'] });
  const takeover = (i) => ({ conversation: { id: i, visitorName: 'Ada', status: 'open', createdAt: new Date() } });
  let s;
  // BENCH_ONLY=route skips to the demo route's phase (for a CPU profile of it).
  if (process.env.BENCH_ONLY !== 'route') {
  const raw = await driver.call('raw', { n: N, inFlight: IN_FLIGHT });
  await pool(WARMUP, IN_FLIGHT, (i) => publisher.publish(WebhookEvent.TakeoverRequested, takeover(i)));
  await driver.call('waitFor', { path: '/module', count: WARMUP, timeoutMs: 120_000 });
  await idle(ds);
  s = snapshot();
  await pool(N, IN_FLIGHT, (i) => publisher.publish(WebhookEvent.TakeoverRequested, takeover(i)));
  await driver.call('waitFor', { path: '/module', count: WARMUP + N, timeoutMs: 300_000 });
  await idle(ds);
  const alone = since(s);
  const moduleRate = N / alone.seconds;
  row('raw HTTPS POSTs to the receiver', `${raw.perSecond.toFixed(0)}/s`, `undici, ${IN_FLIGHT} in flight, from the receiver's process`);
  row('module alone: publish → signed POST received', `${moduleRate.toFixed(0)}/s`, `${N} deliveries, ${IN_FLIGHT} publishes in flight, perEndpointConcurrency ${PER_ENDPOINT}`);
  row('ratio module / raw', (moduleRate / raw.perSecond).toFixed(3), 'target ≥ 0.3');
  row('module alone, per delivery: app CPU', `${(alone.cpuMs / N).toFixed(2)} ms`);
  row('module alone, per delivery: SQL statements', (alone.sql / N).toFixed(2));
  row('module alone, per delivery: Redis commands sent', (alone.redis / N).toFixed(2));
  }
  await patchWebhook(url, bench.id, { enabled: false });

  // BENCH_ONLY=module stops here: for a CPU profile of the module alone (node --cpu-prof).
  if (process.env.BENCH_ONLY === 'module') throw Object.assign(new Error('stop'), { stop: true });

  // 2. The demo's chat route alone, then with one subscribed webhook, after warm-up.
  async function route(label, expectDeliveries) {
    await driver.call('load', { url: `${url}/conversations`, n: WARMUP, inFlight: IN_FLIGHT, label: `${label}-warm` });
    if (expectDeliveries) await driver.call('waitFor', { path: '/crm', count: expectDeliveries.before + WARMUP, timeoutMs: 120_000 });
    await idle(ds);
    const profile = process.env.BENCH_PROFILE ? await profiling(`${process.env.BENCH_PROFILE}/${label}-${Date.now()}.cpuprofile`) : undefined;
    const q0 = await globalQuestions(sql);
    const others0 = Object.fromEntries(Object.entries(otherPids).map(([k, pid]) => [k, processCpuMs(pid)]));
    const s0 = snapshot();
    const trace = process.env.BENCH_TRACE && expectDeliveries ? startTrace(expectDeliveries.hookId, `/crm-${label}-${Date.now()}`, '/crm') : undefined;
    const load = await driver.call('load', { url: `${url}/conversations`, n: N, inFlight: IN_FLIGHT, label });
    const requestSeconds = (performance.now() - s0.at) / 1000;
    trace?.mark('last request answered');
    // Deliveries received per second: from the first request until the last delivery arrived.
    if (expectDeliveries) await driver.call('waitFor', { path: '/crm', count: expectDeliveries.before + WARMUP + N, timeoutMs: 300_000 });
    const receivedSeconds = (performance.now() - s0.at) / 1000;
    await trace?.stop();
    await profile?.stop();
    await idle(ds);
    const used = since(s0);
    const others = Object.fromEntries(Object.entries(otherPids).map(([k, pid]) => [k, processCpuMs(pid) - others0[k]]));
    const questions = (await globalQuestions(sql)) - q0;
    return { perSecond: N / requestSeconds, receivedPerSecond: N / receivedSeconds, load, used, others, questions };
  }
  if (process.env.BENCH_DETAIL) {
    log('Redis commands in the module-alone phase, by name:', [...redisByName].sort((a, b) => b[1] - a[1]));
    log('SQL statements so far, by start:', [...sqlByKind].sort((a, b) => b[1] - a[1]).slice(0, 15));
  }
  redisByName.clear();
  // Alone and with the webhook in turns: ROUTE_ROUNDS rounds with it, each between two rounds
  // alone (the webhook disabled for those): A H A H … H A. Each round with the webhook is compared
  // to the mean of the rounds alone on either side of it, a few seconds before and after, and the
  // median of those ratios is reported, so neither one slow moment of this shared machine nor a
  // drift over the phase decides the figure.
  const plains = [];
  const hookeds = [];
  let crm;
  for (let r = 0; r < ROUTE_ROUNDS; r++) {
    if (crm) await patchWebhook(url, crm.id, { enabled: false });
    plains.push(await route('alone'));
    if (crm) await patchWebhook(url, crm.id, { enabled: true });
    else crm = await createWebhook(url, { name: 'crm', url: receiver('/crm'), secret: 'crm-secret', events: ['conversation.started'] });
    hookeds.push(await route('hooked', { before: r * (WARMUP + N), hookId: crm.id }));
  }
  await patchWebhook(url, crm.id, { enabled: false });
  plains.push(await route('alone'));
  await patchWebhook(url, crm.id, { enabled: true });
  const middle = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const listed = (values, digits) => values.map((v) => v.toFixed(digits)).join(', ');
  const alone = plains.map((r) => r.perSecond);
  const answered = hookeds.map((r) => r.perSecond);
  const received = hookeds.map((r) => r.receivedPerSecond);
  const around = (i) => (alone[i] + alone[i + 1]) / 2;
  const answeredRatio = answered.map((v, i) => v / around(i));
  const receivedRatio = received.map((v, i) => v / around(i));
  row('demo POST /conversations alone', `${middle(alone).toFixed(0)}/s`, `${N} requests, ${IN_FLIGHT} in flight; median of ${alone.length} rounds (${listed(alone, 0)}), before, between and after the rounds below`);
  row('demo POST /conversations with one webhook', `${middle(answered).toFixed(0)}/s`, `requests answered, ${ROUTE_ROUNDS} rounds (${listed(answered, 0)}); every delivery received before the figures below were read`);
  row('ratio with / alone, requests answered', middle(answeredRatio).toFixed(3), `median of each round's ratio to the mean of the rounds alone before and after it (${listed(answeredRatio, 3)})`);
  row('demo POST /conversations with one webhook: deliveries received', `${middle(received).toFixed(0)}/s`, `from the first request to the last delivery received (${listed(received, 0)})`);
  row('ratio deliveries received / route-alone requests', middle(receivedRatio).toFixed(3), `target ≥ 0.7; median, as above (${listed(receivedRatio, 3)})`);
  // Costs are counts and CPU summed over every round of a side, per request.
  const sum = (side) => {
    const total = { cpuMs: 0, sql: 0, redis: 0, others: {}, questions: 0, requests: 0 };
    for (const u of side) {
      total.cpuMs += u.used.cpuMs;
      total.sql += u.used.sql;
      total.redis += u.used.redis;
      total.questions += u.questions;
      total.requests += N;
      for (const [k, v] of Object.entries(u.others)) total.others[k] = (total.others[k] ?? 0) + v;
    }
    for (const k of ['cpuMs', 'sql', 'redis', 'questions']) total[k] /= total.requests;
    for (const k of Object.keys(total.others)) total.others[k] /= total.requests;
    return total;
  };
  const plainUsed = sum(plains);
  const hookedUsed = sum(hookeds);
  const per = (k) => hookedUsed[k] - plainUsed[k];
  row('route alone, per request: app CPU / SQL / Redis', `${plainUsed.cpuMs.toFixed(2)} ms / ${plainUsed.sql.toFixed(2)} / ${plainUsed.redis.toFixed(2)}`, `over all ${plains.length} rounds`);
  row('route with webhook, per request: app CPU / SQL / Redis', `${hookedUsed.cpuMs.toFixed(2)} ms / ${hookedUsed.sql.toFixed(2)} / ${hookedUsed.redis.toFixed(2)}`, `over all ${hookeds.length} rounds`);
  row("module's share per delivery: app CPU", `${per('cpuMs').toFixed(2)} ms`, 'target ≤ 1.0 ms');
  row("module's share per delivery: SQL statements", per('sql').toFixed(2), 'target ≤ 1');
  row("module's share per delivery: Redis commands sent", per('redis').toFixed(2), 'target ≤ 4');
  const other = (u, k) => u.others[k].toFixed(2);
  row(
    '  CPU of the other processes per request, alone / with: MariaDB, Redis, load generator and receiver',
    `${other(plainUsed, 'mariadb')} / ${other(hookedUsed, 'mariadb')} ms, ${other(plainUsed, 'redis')} / ${other(hookedUsed, 'redis')} ms, ${other(plainUsed, 'driver')} / ${other(hookedUsed, 'driver')} ms`,
    'from /proc, whole processes (the database and Redis are shared with other work)',
  );
  row('  cross-check: MariaDB Questions per request, alone / with (server-wide, noisy)', `${plainUsed.questions.toFixed(2)} / ${hookedUsed.questions.toFixed(2)}`);
  if (process.env.BENCH_DETAIL) {
    const deliveries = ROUTE_ROUNDS * (WARMUP + N);
    log(`Redis commands per delivery in the route phase, by name: ${[...redisByName].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / deliveries).toFixed(3)}`).join(', ')}`);
  }
  if (process.env.BENCH_ONLY === 'route') throw Object.assign(new Error('stop'), { stop: true });

  // 3. Paced 100 conversations/s for 10 s: chat request → webhook received.
  const paced = await driver.call('paced', { url: `${url}/conversations`, rate: 100, seconds: 10, label: 'paced' });
  await driver.call('waitFor', { path: '/crm', count: ROUTE_ROUNDS * (WARMUP + N) + paced.ids.length, timeoutMs: 60_000 });
  const pacedLatency = await driver.call('latency', { path: '/crm', ids: paced.ids });
  row('paced 100/s: emit → arrival p50 / p99', `${pacedLatency.p50.toFixed(1)} / ${pacedLatency.p99.toFixed(1)} ms`, 'target p99 ≤ 50 ms');
  row('paced 100/s: the chat request itself p50 / p99', `${paced.latency.p50.toFixed(1)} / ${paced.latency.p99.toFixed(1)} ms`);
  await idle(ds);

  // 4. Fan-out: one event to 100 webhooks.
  await patchWebhook(url, crm.id, { enabled: false });
  const fan = [];
  for (let i = 0; i < 100; i++) fan.push(await createWebhook(url, { name: `fan ${i}`, url: receiver('/fan'), events: ['tag.added'] }));
  await publisher.publish(WebhookEvent.TagAdded, { conversation: { id: 1, visitorName: 'Ada', status: 'open', createdAt: new Date() }, tag: 'warm' });
  await driver.call('waitFor', { path: '/fan', count: 100, timeoutMs: 60_000 });
  await idle(ds);
  s = snapshot();
  const t0 = performance.now();
  await publisher.publish(WebhookEvent.TagAdded, { conversation: { id: 2, visitorName: 'Ada', status: 'open', createdAt: new Date() }, tag: 'vip' });
  const fanRecorded = performance.now() - t0;
  await driver.call('waitFor', { path: '/fan', count: 200, timeoutMs: 60_000 });
  const fanAll = performance.now() - t0;
  const fanUsed = since(s);
  await idle(ds);
  row('fan-out: one event to 100 webhooks: INSERT statements', String(fanUsed.inserts), `recorded in ${fanRecorded.toFixed(0)} ms, all 100 received in ${fanAll.toFixed(0)} ms`);
  for (const f of fan) await fetch(`${url}/admin/live-chat/webhooks/${f.id}`, { method: 'DELETE' });

  // 5. A healthy webhook's p99 alone, then beside one that hangs past the time-out.
  const healthy = await createWebhook(url, { name: 'healthy', url: receiver('/healthy'), events: ['conversation.started'] });
  async function healthyP99(label) {
    const before = (await driver.call('count', { path: '/healthy' })).count;
    const ids = [];
    const loaded = await driver.call('paced', { url: `${url}/conversations`, rate: 25, seconds: 8, label });
    ids.push(...loaded.ids);
    await driver.call('waitFor', { path: '/healthy', count: before + ids.length, timeoutMs: 120_000 });
    return driver.call('latency', { path: '/healthy', ids });
  }
  const healthyAlone = await healthyP99('healthy-alone');
  const hang = await createWebhook(url, { name: 'hanging', url: receiver('/hang'), events: ['conversation.started'] });
  const healthyBeside = await healthyP99('healthy-beside');
  row("healthy webhook's emit → arrival p99, alone", `${healthyAlone.p99.toFixed(1)} ms`, '200 conversations at 25/s');
  row("healthy webhook's emit → arrival p99, beside a hanging one", `${healthyBeside.p99.toFixed(1)} ms`, `the hanging one never answers (10 s time-out); concurrency ${WORKER_SLOTS}, perEndpointConcurrency ${PER_ENDPOINT}`);
  await fetch(`${url}/admin/live-chat/webhooks/${hang.id}`, { method: 'DELETE' });
  await driver.call('release');
  await fetch(`${url}/admin/live-chat/webhooks/${healthy.id}`, { method: 'DELETE' });

  // 5b. The reconciler's Redis cost with a backlog: one pass over 500 due rows with 50,000 jobs waiting.
  {
    const { WebhookDeliveryQueue } = await dist('webhooks/engine/webhook-delivery.queue.js');
    const deliveryQueue = app.get(WebhookDeliveryQueue);
    const bull = deliveryQueue.queue;
    await bull.pause(true);
    const backlog = [];
    for (let i = 0; i < 50_000; i++) {
      const deliveryId = randomUUID();
      backlog.push({ name: 'deliver', data: { deliveryId, attempt: 1 }, opts: { jobId: `${deliveryId}:1`, removeOnComplete: true } });
    }
    for (let i = 0; i < backlog.length; i += 5_000) await bull.addBulk(backlog.slice(i, i + 5_000));
    const waiting = await bull.getWaitingCount();
    // Due rows as the reconciler reads them: the oldest jobs, deepest in the wait list.
    const due = backlog.slice(0, 500).map((j) => ({ deliveryId: j.data.deliveryId, attempt: 1, webhookId: bench.id }));
    const times = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const missing = await deliveryQueue.missing(due, 0);
      times.push(performance.now() - t);
      if (missing === 'hold' || missing.length !== 0) throw new Error(`The reconciler's script took waiting jobs for missing: ${missing === 'hold' ? 'hold' : missing.length}`);
    }
    times.sort((a, b) => a - b);
    row('reconciler: one pass over 500 due rows with 50,000 jobs waiting', `${times[3].toFixed(1)} ms`, `median of 7 calls of its script, round trip included (an upper bound of Redis' time); ${waiting} waiting; target < 20 ms`);
    await bull.empty();
    await bull.resume(true);
  }

  // 6. Memory over many deliveries: measured after the first tenth (the state a running app is in) and at the end.
  await patchWebhook(url, bench.id, { enabled: true });
  const before = (await driver.call('count', { path: '/module' })).count;
  const memory = () => {
    global.gc?.();
    const m = process.memoryUsage();
    return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
  };
  let warm;
  const step = Math.max(1, Math.floor(MEMORY_DELIVERIES / 10));
  for (let done = 0; done < MEMORY_DELIVERIES; done += step) {
    const n = Math.min(step, MEMORY_DELIVERIES - done);
    await pool(n, IN_FLIGHT, (i) => publisher.publish(WebhookEvent.TakeoverRequested, takeover(done + i)));
    await driver.call('waitFor', { path: '/module', count: before + done + n, timeoutMs: 600_000 });
    if (done === 0) {
      await idle(ds, 600_000);
      warm = memory();
    }
  }
  await idle(ds, 600_000);
  const end = memory();
  const growth = (a, b) => `${(((b - a) / a) * 100).toFixed(1)} %`;
  row(
    `memory after ${step} and after ${MEMORY_DELIVERIES} deliveries: RSS`,
    `${warm.rss.toFixed(0)} → ${end.rss.toFixed(0)} MiB (${growth(warm.rss, end.rss)})`,
    'target: flat within 20 %',
  );
  row('  the same, V8 heap in use after a full GC', `${warm.heap.toFixed(0)} → ${end.heap.toFixed(0)} MiB (${growth(warm.heap, end.heap)})`);

  await orderedPhase();
} catch (err) {
  if (!err.stop) throw err;
} finally {
  await app.close();
  driver.stop();
  await sql.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await sql.end();
  await redisClient.flushdb();
  redisClient.disconnect();
}

// 7. Redis down: what a chat request pays.
if (!ONLY) {
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const db2 = `wh_bench_down_${process.pid}`;
  const sql2 = await mysql.createConnection(MYSQL);
  await sql2.query(`CREATE DATABASE \`${db2}\``);
  const { app: app2, url: url2 } = await bootApp({ database: db2, redisUrl: `redis://127.0.0.1:${port}`, queuePrefix: 'whb', cert: cert.cert });
  await createWebhook(url2, { name: 'crm', url: receiver('/down'), events: ['conversation.started'] });
  const time = async () => {
    const values = [];
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      const res = await fetch(`${url2}/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ visitorName: 'Down' }) });
      await res.text();
      values.push(performance.now() - t);
    }
    values.sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)];
  };
  const up = await time();
  // Closing an app whose Redis is gone rejects a few of Bull's own calls: not the app's concern here.
  process.on('unhandledRejection', (err) => notes.push(`- While Redis was down: ${err?.message ?? err}`));
  redis.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  const down = await time();
  row('Redis down: chat request median, Redis up / down', `${up.toFixed(1)} / ${down.toFixed(1)} ms`, 'target: ≤ 100 ms extra');
  await app2.close().catch(() => undefined);
  await sql2.query(`DROP DATABASE IF EXISTS \`${db2}\``);
  await sql2.end();
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const table = ['| what | figure | how |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const doc = `# Benchmarks

Produced by \`npm run bench\` (\`test/bench/bench.mjs\`) on ${new Date().toISOString().slice(0, 10)}.
Machine: ${machine}; MariaDB and Redis on the same machine, shared with other work, so absolute
times move from run to run: read the counts and the ratios measured in one run.

The app runs in the bench's process, whose CPU is measured (\`process.cpuUsage()\`); the HTTPS
receiver and the load generator run in a child process. SQL statements are counted at mysql2's
client (every statement the app sends, the chat route's included); Redis commands at ioredis'
client (every command the app sends to its Redis database, Bull's included; not what Lua scripts
run inside Redis). "The module's share" is the route with one webhook minus the route alone,
per request, each round after ${WARMUP} requests of warm-up; the route runs alone and with its
webhook in turns (${ROUTE_ROUNDS} rounds with it, each between two alone), and its rates are medians with every round listed
(single rounds on a shared machine move a good deal from one to the next:
read the median and the spread). Events per phase: ${N}.

${table}
${notes.length ? `\n${notes.join('\n')}\n` : ''}`;
if (!ONLY) {
  writeFileSync(join(ROOT, 'docs', 'BENCHMARKS.md'), doc);
  log(`\n${table}\n\nWritten to docs/BENCHMARKS.md`);
} else {
  log(`\n${table}\n\n(BENCH_ONLY=${ONLY}: docs/BENCHMARKS.md left as it is)`);
}
process.exit(0);
