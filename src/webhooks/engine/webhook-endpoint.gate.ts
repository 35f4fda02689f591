import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { WEBHOOKS_QUEUE, WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';

/** The longest a paused webhook waits between probes, however often they fail. */
export const BREAKER_MAX_COOLDOWN_MS = 600_000;

/** How long an admitted job may wait in the queue for a worker on the slot it took. */
const ADMITTED_QUEUE_MS = 10_000;

/** How long a finished attempt is remembered, so a stale second job for it sends nothing. */
const DONE_WINDOW_MS = 120_000;

export type WebhookGateAnswer =
  /** Send now; the attempt holds one of the webhook's slots until `release`. `at`: the moment it was let go. */
  | { kind: 'go' | 'probe'; at: Date }
  /** Not now: try again in `waitMs`, without spending an attempt. */
  | { kind: 'wait'; waitMs: number; reason: 'paused' | 'probing' | 'rate' }
  /** All its slots are taken: the job waits in the webhook's line, and a finishing attempt hands it on. */
  | { kind: 'parked' }
  /** Nothing to send: this attempt is in flight elsewhere, was made already, or waits in line already. */
  | { kind: 'skip' };

/** `none`: the slot is given back without an attempt made (nothing for the breaker to count). */
export type WebhookGateOutcome = 'success' | 'transient' | 'other' | 'none';

export type WebhookBreakerChange = { kind: 'paused'; until: Date } | { kind: 'resumed' } | undefined;

export interface WebhookGateRelease {
  change: WebhookBreakerChange;
  /** Jobs taken from the webhook's line now that a slot is free: the first (`inline`) already holds it. */
  handed: string[];
  /** Whether `handed[0]` holds the freed slot (sent next by the same worker), or all must be queued again. */
  inline: boolean;
  at: Date;
}

/*
 * Per webhook, in Redis, shared by every worker process:
 *   <base>         hash   pausedUntil, cooldownMs, probe (its delivery id), fails, avgMs, nextAt, lastAt
 *   <base>:slots   zset   delivery ids in flight, scored by the end of their lease (a dead worker's slot comes back then)
 *   <base>:res     zset   rate-limit reservations: delivery id → the time its turn comes
 *   <base>:done    zset   "<delivery id>:<attempt>" of attempts made lately, scored by when
 *   <base>:line    list   "<delivery id>:<attempt>" of jobs waiting for a slot, oldest first
 *   <base>:parked  hash   "<delivery id>:<attempt>" → the waiting job's data
 */
const ACQUIRE = `
local slots, state, res, done, line, parked = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local id, attempt = ARGV[1], ARGV[2]
local now, lease, cap, interval, window = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local member = id .. ':' .. attempt
redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
redis.call('ZREMRANGEBYSCORE', done, '-inf', now - window)
if ARGV[9] == '1' and redis.call('ZSCORE', slots, id) then
  -- Admitted when it was queued, and late to start: its slot is its own; the lease starts again.
  redis.call('ZADD', slots, now + lease, id)
  return {'go', 0, ''}
end
if redis.call('ZSCORE', slots, id) or redis.call('ZSCORE', done, member) or redis.call('HEXISTS', parked, member) == 1 then
  return {'skip', 0, ''}
end
local avg = tonumber(redis.call('HGET', state, 'avgMs') or '50')
local paused = tonumber(redis.call('HGET', state, 'pausedUntil') or '0')
local probe = false
if paused > 0 then
  if now < paused then return {'wait', paused - now, 'paused'} end
  local holder = redis.call('HGET', state, 'probe')
  local probeLease = holder and redis.call('ZSCORE', slots, holder)
  -- Until the probe's answer (its lease at the latest): the breaker then resumes or pauses again.
  if probeLease then return {'wait', math.max(tonumber(probeLease) - now, 250), 'probing'} end
  probe = true
elseif redis.call('ZCARD', slots) >= cap then
  redis.call('RPUSH', line, member)
  redis.call('HSET', parked, member, ARGV[8])
  return {'parked', 0, ''}
end
if interval > 0 and not probe then
  redis.call('ZREMRANGEBYSCORE', res, '-inf', now - 600000)
  -- A turn whose job ran late still keeps the spacing from the last request.
  local lastAt = tonumber(redis.call('HGET', state, 'lastAt') or '0')
  local mine = redis.call('ZSCORE', res, id)
  if mine then
    if tonumber(mine) > now then return {'wait', tonumber(mine) - now, 'rate'} end
    if lastAt + interval > now then return {'wait', lastAt + interval - now, 'rate'} end
    redis.call('ZREM', res, id)
  else
    local nextAt = math.max(tonumber(redis.call('HGET', state, 'nextAt') or '0'), lastAt + interval)
    if nextAt > now then
      redis.call('HSET', state, 'nextAt', nextAt + interval)
      redis.call('ZADD', res, nextAt, id)
      return {'wait', nextAt - now, 'rate'}
    end
    redis.call('HSET', state, 'nextAt', now + interval)
  end
  redis.call('HSET', state, 'lastAt', now)
end
if probe then redis.call('HSET', state, 'probe', id) end
redis.call('ZADD', slots, now + lease, id)
return {probe and 'probe' or 'go', 0, ''}
`;

const RELEASE = `
local slots, state, done, line, parked = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id, attempt, now, outcome = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local threshold, base, max, retryAfter, duration = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local cap, interval, lease, window, inline = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13]), ARGV[14] == '1'
redis.call('ZREM', slots, id)
local kind, untilMs = 'ok', 0
if outcome ~= 'none' then
  redis.call('ZADD', done, now, id .. ':' .. attempt)
  local avg = tonumber(redis.call('HGET', state, 'avgMs') or duration)
  redis.call('HSET', state, 'avgMs', math.floor(avg * 0.8 + duration * 0.2))
  local paused = tonumber(redis.call('HGET', state, 'pausedUntil') or '0')
  local isProbe = redis.call('HGET', state, 'probe') == id
  if outcome ~= 'transient' then
    redis.call('HSET', state, 'fails', 0)
    if paused > 0 then
      redis.call('HDEL', state, 'pausedUntil', 'probe', 'cooldownMs')
      kind = 'resumed'
    end
  else
    local fails = redis.call('HINCRBY', state, 'fails', 1)
    if isProbe or (paused == 0 and fails >= threshold) then
      local cooldown = base
      if isProbe then cooldown = math.min(tonumber(redis.call('HGET', state, 'cooldownMs') or base) * 2, max) end
      untilMs = now + math.max(cooldown, retryAfter)
      redis.call('HSET', state, 'pausedUntil', untilMs, 'cooldownMs', cooldown)
      redis.call('HDEL', state, 'probe')
      kind = 'paused'
    end
  end
end
-- Hand the free slots to the jobs waiting in line, oldest first. When this attempt paused the
-- webhook, the whole line goes back to the queue instead: each job waits out the pause there
-- (one of them is the next probe), and ends if the pause outlasts its retry schedule.
local handed = {}
if kind == 'paused' then
  for _, member in ipairs(redis.call('LRANGE', line, 0, -1)) do
    local job = redis.call('HGET', parked, member)
    if job then handed[#handed + 1] = job end
  end
  redis.call('DEL', line, parked)
  return {kind, untilMs, handed}
end
if tonumber(redis.call('HGET', state, 'pausedUntil') or '0') == 0 then
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
  redis.call('ZREMRANGEBYSCORE', done, '-inf', now - window)
  local free = cap - redis.call('ZCARD', slots)
  while free > 0 do
    local member = redis.call('LPOP', line)
    if not member then break end
    local job = redis.call('HGET', parked, member)
    if job then
      redis.call('HDEL', parked, member)
      local did = string.match(member, '^(.*):%d+$')
      if not redis.call('ZSCORE', slots, did) and not redis.call('ZSCORE', done, member) then
        handed[#handed + 1] = job
        free = free - 1
      end
    end
  end
  if #handed > 0 and interval == 0 and inline then
    redis.call('ZADD', slots, now + lease, cjson.decode(handed[1]).deliveryId)
  end
end
return {kind, untilMs, handed}
`;

type GateRedis = Redis & {
  webhooksAcquire(...args: Array<string | number>): Promise<[string, number, string]>;
  webhooksRelease(...args: Array<string | number>): Promise<[string, number, string[]]>;
};

/**
 * Decides, across every worker process, whether one attempt to a webhook may go now:
 * at most `perEndpointConcurrency` in flight (the others wait in the webhook's line,
 * handed on as slots come free), its `rateLimit`, and its breaker (paused after
 * `breakerThreshold` transient failures in a row; one probe after the cooldown).
 * One Redis call before an attempt and one after. What Redis loses here costs no
 * delivery: the database holds those, and the reconciler queues them again.
 */
@Injectable()
export class WebhookEndpointGate {
  private readonly redis: GateRedis;

  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {
    const client = queue.client as GateRedis;
    if (typeof client.webhooksAcquire !== 'function') {
      client.defineCommand('webhooksAcquire', { numberOfKeys: 6, lua: ACQUIRE });
      client.defineCommand('webhooksRelease', { numberOfKeys: 5, lua: RELEASE });
    }
    this.redis = client;
  }

  /**
   * Whether attempt `attempt` of a delivery to `webhookId` may go now; `job` is what waits in
   * line if not. `admitted`: the job took its slot when it was queued, so a slot held under its
   * delivery id is its own.
   */
  async acquire(
    webhookId: string,
    deliveryId: string,
    attempt: number,
    rateLimit: number | null | undefined,
    job: string,
    admitted = false,
  ): Promise<WebhookGateAnswer> {
    const k = this.keys(webhookId);
    const now = Date.now();
    const answer = await this.redis.webhooksAcquire(
      k.slots, k.state, k.res, k.done, k.line, k.parked,
      deliveryId, attempt, now, this.leaseMs, this.options.perEndpointConcurrency, intervalOf(rateLimit), DONE_WINDOW_MS, job, admitted ? 1 : 0,
    );
    return toAnswer(answer, now);
  }

  /**
   * The gate's answer for fresh jobs as they are queued, in one pipeline: a job that may go
   * takes its slot now (its worker need not ask again); one whose webhook is at its
   * concurrency waits in the webhook's line and needs no queue job.
   */
  async admit(jobs: Array<{ webhookId: string; deliveryId: string; attempt: number; job: string }>): Promise<WebhookGateAnswer[]> {
    const now = Date.now();
    const pipeline = this.redis.pipeline() as ReturnType<Redis['pipeline']> & { webhooksAcquire(...args: Array<string | number>): unknown };
    for (const j of jobs) {
      const k = this.keys(j.webhookId);
      pipeline.webhooksAcquire(
        k.slots, k.state, k.res, k.done, k.line, k.parked,
        j.deliveryId, j.attempt, now, this.admittedLeaseMs, this.options.perEndpointConcurrency, 0, DONE_WINDOW_MS, j.job, 0,
      );
    }
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, answer]) => {
      if (err) throw err;
      return toAnswer(answer as [string, number, string], now);
    });
  }

  /**
   * The attempt ended (or, with `none`, never went): its slot comes free, the breaker counts
   * it, and the jobs waiting in line for a slot are handed on.
   */
  async release(
    webhookId: string,
    deliveryId: string,
    attempt: number,
    outcome: WebhookGateOutcome,
    durationMs: number,
    rateLimit: number | null | undefined,
    retryAfterMs = 0,
    takeNext = true,
  ): Promise<WebhookGateRelease> {
    const k = this.keys(webhookId);
    const now = Date.now();
    const interval = intervalOf(rateLimit);
    const [kind, until, handed] = await this.redis.webhooksRelease(
      k.slots, k.state, k.done, k.line, k.parked,
      deliveryId, attempt, now, outcome,
      this.options.breakerThreshold, this.options.breakerCooldownMs, BREAKER_MAX_COOLDOWN_MS, Math.round(retryAfterMs), Math.round(durationMs),
      this.options.perEndpointConcurrency, interval, this.leaseMs, DONE_WINDOW_MS, takeNext ? 1 : 0,
    );
    const change: WebhookBreakerChange = kind === 'paused' ? { kind, until: new Date(Number(until)) } : kind === 'resumed' ? { kind } : undefined;
    const inline = takeNext && kind !== 'paused' && interval === 0 && (handed?.length ?? 0) > 0;
    return { change, handed: handed ?? [], inline, at: new Date(now) };
  }

  /** A webhook was deleted: its slots, line, pace and breaker go too. Best effort: Redis may be down. */
  async forget(webhookId: string): Promise<void> {
    const k = this.keys(webhookId);
    await withinMs(this.redis.del(k.state, k.slots, k.res, k.done, k.line, k.parked), 500).catch(() => undefined);
  }

  /** When each paused webhook's next probe may go; absent while not paused. Empty when Redis does not answer. */
  async pausedUntil(webhookIds: string[]): Promise<Map<string, Date>> {
    const out = new Map<string, Date>();
    if (webhookIds.length === 0) return out;
    try {
      const pipeline = this.redis.pipeline();
      for (const id of webhookIds) pipeline.hget(this.base(id), 'pausedUntil');
      const answers = (await withinMs(pipeline.exec(), 500)) ?? [];
      webhookIds.forEach((id, i) => {
        const value = Number(answers[i]?.[1] ?? 0);
        if (value > 0) out.set(id, new Date(value));
      });
    } catch {
      // Redis is down: nothing can be paused, as nothing is sent either.
    }
    return out;
  }

  /** How long an attempt may hold its slot: a dead worker's slot comes back after this. */
  get leaseMs(): number {
    return this.options.requestTimeoutMs + 5_000;
  }

  /**
   * A slot taken as a job is queued: room for the time the job waits in the queue too. A
   * worker that starts it later than `admittedStartMs` asks the gate again to renew the lease.
   */
  get admittedLeaseMs(): number {
    return this.leaseMs + ADMITTED_QUEUE_MS;
  }

  /** How long after its admission a job may start on the slot it took without renewing it. */
  get admittedStartMs(): number {
    return ADMITTED_QUEUE_MS;
  }

  private base(webhookId: string): string {
    return this.queue.toKey(`ep:${webhookId}`);
  }

  private keys(webhookId: string) {
    const base = this.base(webhookId);
    return { state: base, slots: `${base}:slots`, res: `${base}:res`, done: `${base}:done`, line: `${base}:line`, parked: `${base}:parked` };
  }
}

function toAnswer([kind, ms, reason]: [string, number, string], now: number): WebhookGateAnswer {
  if (kind === 'go' || kind === 'probe') return { kind, at: new Date(now) };
  if (kind === 'skip' || kind === 'parked') return { kind };
  return { kind: 'wait', waitMs: Number(ms), reason: reason as 'paused' | 'probing' | 'rate' };
}

function intervalOf(rateLimit: number | null | undefined): number {
  return rateLimit ? Math.ceil(1000 / rateLimit) : 0;
}

function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
