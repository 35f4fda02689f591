import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { demoEnvironment, header, writeCaFile } from '../support/delivery-support.js';
import { startDemo } from '../support/demo-process.js';
import type { DemoProcess } from '../support/demo-process.js';
import { HttpsReceiver } from '../support/https-receiver.js';
import { eventually } from '../support/receiver-checks.js';
import { createTestDatabase, freePort } from '../support/services.js';

/*
 * The engine under the faults it is built for, end to end: an API node and three workers
 * (`npm run start:worker`) on one database and a private Redis, one worker's clock pushed
 * forward, paced chat traffic to four webhooks, while workers are SIGKILLed and restarted,
 * Redis is flushed, and Redis is stopped and started empty. The receiver records each
 * request's start and end; the checks are what the contract's section 3 promises.
 */

export interface ChaosOptions {
  /** How long chat traffic runs. */
  trafficMs: number;
  /** Chat requests per second (each makes one event for every webhook). */
  ratePerSecond: number;
  /** The faults, at these offsets from the start of the traffic. */
  faults: ChaosFault[];
  /** How far the skewed worker's clock runs ahead. */
  clockShiftMs: number;
  log?: (line: string) => void;
}

export type ChaosFault =
  | { at: number; kind: 'kill-worker'; worker: number; restartAfterMs: number }
  | { at: number; kind: 'flush-redis' }
  | { at: number; kind: 'restart-redis'; downForMs: number }
  | { at: number; kind: 'delete-webhook' };

export interface ChaosRequest {
  id: string;
  path: string;
  attempt: string;
  start: number;
  end: number;
}

export interface ChaosReport {
  options: ChaosOptions;
  cap: number;
  requestTimeoutMs: number;
  injected: Array<{ at: number; what: string }>;
  chat: { sent: number; answered201: number; failures: string[] };
  events: number;
  /** Per live webhook: events that arrived, out of `events`. */
  reached: Record<string, number>;
  requests: number;
  /** Requests beyond the first of one delivery (a retry of a failed attempt excluded). */
  duplicates: number;
  /** Per webhook: the most requests in flight at once outside the windows after a data loss, and anywhere. */
  peakInFlight: Record<string, { outsideLossWindows: number; anywhere: number }>;
  /** Times one delivery id was in flight twice at once. */
  overlaps: Array<{ id: string; at: number }>;
  /** Requests that reached the deleted webhook more than 5 s after its DELETE answered. */
  lateToDeleted: number;
  deletedAt?: number;
  /** From the end of the traffic until nothing was pending or retrying. */
  settleMs: number;
  stats: Record<string, unknown>;
}

const CAP = 3;
const REQUEST_TIMEOUT_MS = 2_000;
const WEBHOOKS = ['slow', 'failing', 'fast', 'deleted'] as const;

/** A private `redis-server` on one port, which can be stopped and started again empty. */
class PrivateRedis {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'webhooks-chaos-redis-'));

  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
      stdio: 'ignore',
    });
    this.child.once('error', () => undefined);
    await eventually(async () => {
      const c = new Redis({ port: this.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await c.connect();
        return (await c.ping()) === 'PONG' ? true : undefined;
      } finally {
        c.disconnect();
      }
    }, 10_000, `the private redis-server on ${this.port} (is redis-server installed?)`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async flush(): Promise<void> {
    const c = new Redis({ port: this.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    try {
      await c.flushall();
    } finally {
      c.disconnect();
    }
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs the chaos and measures it; the caller asserts on the report. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const requests: ChaosRequest[] = [];
  const inFlight = new Map<string, number>();
  const overlaps: Array<{ id: string; at: number }> = [];
  const receiver = await HttpsReceiver.start(async (req, res) => {
    const id = header(req, 'x-webhook-id');
    const attempt = header(req, 'x-webhook-attempt');
    const start = Date.now();
    if ((inFlight.get(id) ?? 0) > 0) overlaps.push({ id, at: start });
    inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
    const record: ChaosRequest = { id, path: req.path, attempt, start, end: Number.POSITIVE_INFINITY };
    requests.push(record);
    const done = () => {
      if (record.end !== Number.POSITIVE_INFINITY) return;
      record.end = Date.now();
      inFlight.set(id, (inFlight.get(id) ?? 1) - 1);
    };
    res.once('close', done);
    if (req.path === '/slow') await new Promise((r) => setTimeout(r, 150));
    if (req.path === '/failing' && attempt === '1') return void res.writeHead(500).end('first attempts fail');
    res.writeHead(200).end('ok');
  });
  const db = await createTestDatabase();
  const ca = writeCaFile();
  const redis = new PrivateRedis(await freePort());
  const preloadDir = mkdtempSync(join(tmpdir(), 'webhooks-chaos-clock-'));
  const preload = join(preloadDir, 'shift-clock.cjs');
  // Date only: timers and performance.now() keep the real pace.
  writeFileSync(
    preload,
    `const shift = Number(process.env.CHAOS_CLOCK_SHIFT_MS || 0);
const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args) { if (args.length === 0) super(RealDate.now() + shift); else super(...args); }
  static now() { return RealDate.now() + shift; }
}
globalThis.Date = ShiftedDate;
`,
  );
  const processes: Array<DemoProcess | undefined> = [];
  const injected: Array<{ at: number; what: string }> = [];
  const lossAt: number[] = [];
  let api: DemoProcess | undefined;
  try {
    await redis.start();
    const env = demoEnvironment({
      database: db.name,
      queuePrefix: 'chaos',
      caFile: ca.path,
      redisUrl: `redis://127.0.0.1:${redis.port}`,
      extra: {
        WEBHOOKS_PER_ENDPOINT_CONCURRENCY: String(CAP),
        WEBHOOKS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        WEBHOOKS_RETRY_DELAYS_MS: '300,600,1200,2400',
        WEBHOOKS_RECONCILE_INTERVAL_MS: '1000',
        WEBHOOKS_CONCURRENCY: '20',
      },
    });
    api = await startDemo({ ...env, WEBHOOKS_PROCESS_DELIVERIES: 'false' });
    const startWorker = (i: number) =>
      startDemo(i === 0 ? { ...env, NODE_OPTIONS: `--require ${preload}`, CHAOS_CLOCK_SHIFT_MS: String(options.clockShiftMs) } : env, { worker: true });
    for (let i = 0; i < 3; i++) processes[i] = await startWorker(i);
    log(`api ${api.url}, workers up, redis on ${redis.port}, database ${db.name}`);

    const admin = `${api.url}/admin/live-chat/webhooks`;
    const ids: Record<string, string> = {};
    for (const name of WEBHOOKS) {
      const res = await fetch(admin, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, url: receiver.url(`/${name}`), events: ['conversation.started'] }),
      });
      if (res.status !== 201) throw new Error(`Creating webhook ${name} answered ${res.status}: ${await res.text()}`);
      ids[name] = ((await res.json()) as { id: string }).id;
    }

    // Paced chat traffic, with the faults on their schedule.
    const started = Date.now();
    const chat = { sent: 0, answered201: 0, failures: [] as string[] };
    const conversations: Array<{ id: string; at: number }> = [];
    let deletedAt: number | undefined;
    const faults = [...options.faults].sort((a, b) => a.at - b.at).map(async (fault) => {
      await new Promise((r) => setTimeout(r, Math.max(0, started + fault.at - Date.now())));
      const at = Date.now() - started;
      switch (fault.kind) {
        case 'kill-worker': {
          await processes[fault.worker]?.kill('SIGKILL');
          injected.push({ at, what: `SIGKILL worker ${fault.worker}${fault.worker === 0 ? ' (the one whose clock is ahead)' : ''}` });
          await new Promise((r) => setTimeout(r, fault.restartAfterMs));
          processes[fault.worker] = await startWorker(fault.worker);
          injected.push({ at: Date.now() - started, what: `worker ${fault.worker} started again` });
          break;
        }
        case 'flush-redis':
          lossAt.push(Date.now());
          await redis.flush();
          injected.push({ at, what: 'FLUSHALL: Redis loses every key' });
          break;
        case 'restart-redis':
          lossAt.push(Date.now());
          await redis.stop();
          injected.push({ at, what: 'Redis stopped' });
          await new Promise((r) => setTimeout(r, fault.downForMs));
          lossAt.push(Date.now());
          await redis.start();
          injected.push({ at: Date.now() - started, what: 'Redis started again, empty' });
          break;
        case 'delete-webhook': {
          const res = await fetch(`${admin}/${ids.deleted}`, { method: 'DELETE' });
          if (res.status !== 204) throw new Error(`DELETE answered ${res.status}`);
          deletedAt = Date.now();
          injected.push({ at, what: 'DELETE of the webhook "deleted"' });
          break;
        }
      }
    });
    const intervalMs = 1000 / options.ratePerSecond;
    const chatRequests: Array<Promise<void>> = [];
    for (let i = 0; Date.now() - started < options.trafficMs; i++) {
      const due = started + i * intervalMs;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      chat.sent++;
      chatRequests.push(
        fetch(`${api.url}/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ visitorName: `v${i}` }) })
          .then(async (res) => {
            if (res.status === 201) {
              chat.answered201++;
              conversations.push({ id: String(((await res.json()) as { id: unknown }).id), at: Date.now() });
            } else chat.failures.push(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
          })
          .catch((err: Error) => void chat.failures.push(err.message)),
      );
    }
    await Promise.all(chatRequests);
    await Promise.all(faults);
    const trafficEnded = Date.now();
    log(`traffic over: ${chat.sent} chat requests, ${chat.failures.length} failed`);

    // Every event to every live webhook; then nothing pending or retrying.
    const conversationOf = (r: ChaosRequest) => r;
    void conversationOf;
    const live = ['slow', 'failing', 'fast'];
    const reachedAll = () => {
      const bodies = new Map<string, Set<string>>();
      for (const path of live) bodies.set(path, new Set());
      for (const req of receiver.received()) {
        const name = req.path.slice(1);
        if (!bodies.has(name)) continue;
        const data = (req.body as { data?: { conversation_id?: unknown } }).data;
        if (data?.conversation_id !== undefined) bodies.get(name)!.add(String(data.conversation_id));
      }
      return Object.fromEntries(live.map((name) => [name, conversations.filter((c) => bodies.get(name)!.has(c.id)).length]));
    };
    let stats: Record<string, unknown> = {};
    await eventually(async () => {
      const reached = reachedAll();
      if (live.some((name) => reached[name] < conversations.length)) return undefined;
      stats = (await (await fetch(`${admin}/stats`)).json()) as Record<string, unknown>;
      return stats.pending === 0 && stats.retrying === 0 ? true : undefined;
    }, 120_000, 'every event to reach every live webhook, and nothing to be pending or retrying').catch((err: Error) => {
      log(`not settled: ${err.message}; reached ${JSON.stringify(reachedAll())} of ${conversations.length}; stats ${JSON.stringify(stats)}`);
    });
    const settleMs = Date.now() - trafficEnded;

    // The cap as the receiver saw it, outside the windows after each data loss.
    const windows = lossAt.map((t) => [t, t + REQUEST_TIMEOUT_MS + 5_000] as const);
    const inWindow = (t: number) => windows.some(([a, b]) => t >= a && t <= b);
    const peakInFlight: ChaosReport['peakInFlight'] = {};
    for (const name of WEBHOOKS) {
      const mine = requests.filter((r) => r.path === `/${name}`);
      let outside = 0;
      let anywhere = 0;
      for (const r of mine) {
        const at = mine.filter((o) => o.start <= r.start && o.end > r.start).length;
        anywhere = Math.max(anywhere, at);
        if (!inWindow(r.start)) outside = Math.max(outside, at);
      }
      peakInFlight[name] = { outsideLossWindows: outside, anywhere };
    }
    const firstOf = new Map<string, number>();
    let duplicates = 0;
    for (const r of requests) {
      const key = `${r.id}:${r.attempt}`;
      if (firstOf.has(key)) duplicates++;
      else firstOf.set(key, r.start);
    }
    const lateToDeleted = deletedAt === undefined ? 0 : requests.filter((r) => r.path === '/deleted' && r.start > deletedAt! + 5_000).length;
    const reached = reachedAll();
    return {
      options,
      cap: CAP,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      injected: injected.sort((a, b) => a.at - b.at),
      chat,
      events: conversations.length,
      reached,
      requests: requests.length,
      duplicates,
      peakInFlight,
      overlaps,
      lateToDeleted,
      deletedAt: deletedAt === undefined ? undefined : deletedAt - started,
      settleMs,
      stats,
    };
  } finally {
    for (const p of processes) await p?.kill().catch(() => undefined);
    await api?.kill().catch(() => undefined);
    await receiver.close();
    await redis.remove();
    await db.drop();
    ca.remove();
    rmSync(preloadDir, { recursive: true, force: true });
  }
}

/** The report as `docs/RELIABILITY.md` shows it. */
export function reliabilityTable(runs: ChaosReport[], command: string): string {
  const r0 = runs[0];
  const row = (what: string, value: (r: ChaosReport) => string | number, target = '') =>
    `| ${what} | ${runs.map((r) => value(r)).join(' | ')} | ${target} |`;
  const lines = [
    '# Reliability',
    '',
    `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${runs.length} runs in a row, each a fresh database and a private Redis.`,
    '',
    `An API node (\`WEBHOOKS_PROCESS_DELIVERIES=false\`) and three workers (\`npm run start:worker\`), one of them with its clock`,
    `${Math.round(r0.options.clockShiftMs / 1000)} s ahead (a \`--require\` preload that shifts \`Date\`), share one MariaDB database and one Redis.`,
    `Chat traffic: \`POST /conversations\` at ${r0.options.ratePerSecond}/s for ${Math.round(r0.options.trafficMs / 1000)} s; four webhooks subscribe to`,
    '`conversation.started`: `slow` (answers after 150 ms), `failing` (500 on every first attempt), `fast`, and `deleted` (deleted midway).',
    `\`perEndpointConcurrency\` ${r0.cap}, \`requestTimeoutMs\` ${r0.requestTimeoutMs}, retries after 0.3, 0.6, 1.2 and 2.4 s, reconciler every 1 s.`,
    'The HTTPS receiver records when each request starts and ends.',
    '',
    '## What was injected (first run; the others the same schedule)',
    '',
    '| at | what |',
    '| --- | --- |',
    ...r0.injected.map((i) => `| ${(i.at / 1000).toFixed(1)} s | ${i.what} |`),
    '',
    '## What held',
    '',
    `| | ${runs.map((_, i) => `run ${i + 1}`).join(' | ')} | promise |`,
    `| --- | ${runs.map(() => '---').join(' | ')} | --- |`,
    row('chat requests answered 201', (r) => `${r.chat.answered201} / ${r.chat.sent}`, 'all'),
    row('events (conversations started)', (r) => r.events),
    ...['slow', 'failing', 'fast'].map((name) => row(`events that reached \`${name}\``, (r) => `${r.reached[name]} / ${r.events}`, 'all')),
    row('requests received', (r) => r.requests),
    row('duplicates (one attempt of one delivery received again)', (r) => r.duplicates, 'allowed: at least once'),
    row('one delivery in flight twice at once', (r) => r.overlaps.length, '0'),
    ...WEBHOOKS.map((name) =>
      row(`peak in flight to \`${name}\` outside the windows after a data loss / anywhere`, (r) => `${r.peakInFlight[name].outsideLossWindows} / ${r.peakInFlight[name].anywhere}`, `≤ ${r0.cap} outside`),
    ),
    row('requests to `deleted` later than 5 s after its DELETE', (r) => r.lateToDeleted, '0'),
    row('seconds to settle (nothing pending or retrying) after the traffic', (r) => (r.settleMs / 1000).toFixed(1)),
    '',
    `A window after a data loss is the ${r0.requestTimeoutMs + 5_000} ms after a FLUSHALL or a restart of Redis: attempts already in flight may`,
    'come on top of the cap there (contract, section 3). Duplicates come from attempts whose outcome was lost with a killed worker or with',
    'Redis: receivers de-duplicate on `X-Webhook-Id`.',
    '',
  ];
  return lines.join('\n');
}
