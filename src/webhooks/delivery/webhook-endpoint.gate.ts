import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { WEBHOOKS_QUEUE, WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';

/** The longest a paused webhook waits between probes, however often they fail. */
export const BREAKER_MAX_COOLDOWN_MS = 600_000;

/** How long a finished attempt is remembered, so a stale second job for it sends nothing. */
const DONE_WINDOW_MS = 120_000;

export type WebhookGateAnswer =
  /** Send now; the attempt holds one of the webhook's slots until `release`. `at`: the moment it was let go. */
  | { kind: 'go' | 'probe'; at: Date }
  /** Not now: try again in `waitMs`, without spending an attempt. */
  | { kind: 'wait'; waitMs: number; reason: 'paused' | 'probing' | 'busy' | 'rate' }
  /** Nothing to send: this attempt is in flight elsewhere, or was made already. */
  | { kind: 'skip' };

export type WebhookGateOutcome = 'success' | 'transient' | 'other';

export type WebhookBreakerChange = { kind: 'paused'; until: Date } | { kind: 'resumed' } | undefined;

/*
 * Per webhook, in Redis, shared by every worker process:
 *   <base>        hash   pausedUntil, cooldownMs, probe (its delivery id), fails, avgMs, nextAt
 *   <base>:slots  zset   delivery ids in flight, scored by the end of their lease (a dead worker's slot comes back then)
 *   <base>:res    zset   rate-limit reservations: delivery id → the time its turn comes
 *   <base>:done   zset   "<delivery id>:<attempt>" of attempts made lately, scored by when
 */
const ACQUIRE = `
local slots, state, res, done = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id, attempt = ARGV[1], ARGV[2]
local now, lease, cap, interval, window = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
redis.call('ZREMRANGEBYSCORE', done, '-inf', now - window)
if redis.call('ZSCORE', slots, id) or redis.call('ZSCORE', done, id .. ':' .. attempt) then return {'skip', 0, ''} end
local avg = tonumber(redis.call('HGET', state, 'avgMs') or '50')
local paused = tonumber(redis.call('HGET', state, 'pausedUntil') or '0')
local probe = false
if paused > 0 then
  if now < paused then return {'wait', paused - now, 'paused'} end
  local holder = redis.call('HGET', state, 'probe')
  if holder and redis.call('ZSCORE', slots, holder) then return {'wait', math.max(avg, 250), 'probing'} end
  probe = true
elseif redis.call('ZCARD', slots) >= cap then
  return {'wait', avg, 'busy'}
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
local slots, state, done = KEYS[1], KEYS[2], KEYS[3]
local id, attempt, now, outcome = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local threshold, base, max, retryAfter, duration = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
redis.call('ZREM', slots, id)
redis.call('ZADD', done, now, id .. ':' .. attempt)
local avg = tonumber(redis.call('HGET', state, 'avgMs') or duration)
redis.call('HSET', state, 'avgMs', math.floor(avg * 0.8 + duration * 0.2))
local paused = tonumber(redis.call('HGET', state, 'pausedUntil') or '0')
local isProbe = redis.call('HGET', state, 'probe') == id
if outcome ~= 'transient' then
  redis.call('HSET', state, 'fails', 0)
  if paused > 0 then
    redis.call('HDEL', state, 'pausedUntil', 'probe', 'cooldownMs')
    return {'resumed', 0}
  end
  return {'ok', 0}
end
local fails = redis.call('HINCRBY', state, 'fails', 1)
if isProbe or (paused == 0 and fails >= threshold) then
  local cooldown = base
  if isProbe then cooldown = math.min(tonumber(redis.call('HGET', state, 'cooldownMs') or base) * 2, max) end
  local untilMs = now + math.max(cooldown, retryAfter)
  redis.call('HSET', state, 'pausedUntil', untilMs, 'cooldownMs', cooldown)
  redis.call('HDEL', state, 'probe')
  return {'paused', untilMs}
end
return {'ok', 0}
`;

type GateRedis = Redis & {
  webhooksAcquire(...args: Array<string | number>): Promise<[string, number, string]>;
  webhooksRelease(...args: Array<string | number>): Promise<[string, number]>;
};

/**
 * Decides, across every worker process, whether one attempt to a webhook may go now:
 * at most `perEndpointConcurrency` in flight, its `rateLimit`, and its breaker (paused
 * after `breakerThreshold` transient failures in a row; one probe after the cooldown).
 * One Redis call before an attempt and one after. What Redis loses here costs no
 * delivery: the database holds those, and a lost slot or pause only lets sends go sooner.
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
      client.defineCommand('webhooksAcquire', { numberOfKeys: 4, lua: ACQUIRE });
      client.defineCommand('webhooksRelease', { numberOfKeys: 3, lua: RELEASE });
    }
    this.redis = client;
  }

  /** Whether attempt `attempt` of a delivery to `webhookId` may go now. */
  async acquire(webhookId: string, deliveryId: string, attempt: number, rateLimit: number | null | undefined): Promise<WebhookGateAnswer> {
    const base = this.base(webhookId);
    const interval = rateLimit ? Math.ceil(1000 / rateLimit) : 0;
    const now = Date.now();
    const [kind, ms, reason] = await this.redis.webhooksAcquire(
      `${base}:slots`, base, `${base}:res`, `${base}:done`,
      deliveryId, attempt, now, this.leaseMs, this.options.perEndpointConcurrency, interval, DONE_WINDOW_MS,
    );
    if (kind === 'go' || kind === 'probe') return { kind, at: new Date(now) };
    if (kind === 'skip') return { kind };
    return { kind: 'wait', waitMs: Number(ms), reason: reason as 'paused' | 'probing' | 'busy' | 'rate' };
  }

  /** The attempt ended: its slot comes free, and the breaker counts it. */
  async release(
    webhookId: string,
    deliveryId: string,
    attempt: number,
    outcome: WebhookGateOutcome,
    durationMs: number,
    retryAfterMs = 0,
  ): Promise<WebhookBreakerChange> {
    const base = this.base(webhookId);
    const [kind, until] = await this.redis.webhooksRelease(
      `${base}:slots`, base, `${base}:done`,
      deliveryId, attempt, Date.now(), outcome,
      this.options.breakerThreshold, this.options.breakerCooldownMs, BREAKER_MAX_COOLDOWN_MS, Math.round(retryAfterMs), Math.round(durationMs),
    );
    if (kind === 'paused') return { kind, until: new Date(Number(until)) };
    if (kind === 'resumed') return { kind };
    return undefined;
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

  /** Whether a delivery of this webhook is in flight now (holds a slot). */
  isInFlightKey(webhookId: string): string {
    return `${this.base(webhookId)}:slots`;
  }

  /** How long an attempt may hold its slot: a dead worker's slot comes back after this. */
  get leaseMs(): number {
    return this.options.requestTimeoutMs + 5_000;
  }

  private base(webhookId: string): string {
    return this.queue.toKey(`ep:${webhookId}`);
  }
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
