import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { WebhookRedisClusterError, hasHashTag } from '../errors/webhook-redis-cluster.error.js';
import { WEBHOOKS_QUEUE, WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { WebhookGroupCommit } from './webhook-group-commit.js';

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
  /** Jobs taken from the webhook's line now that a slot is free: the first (`inline`) already holds it, under the caller's `nextToken`. */
  handed: string[];
  /**
   * The admission token under which each job of `handed` holds a slot (taken over by its first
   * run, as a job admitted at enqueue is): a job handed on comes with its slot, so the webhook's
   * line never sends more jobs back to the queue than it has slots for. Empty string: none (a
   * rate-limited webhook's jobs, which ask the gate for their turn as they run).
   */
  admissions: string[];
  /** Whether `handed[0]` holds the freed slot (sent next by the same worker), or all must be queued again. */
  inline: boolean;
  at: Date;
}

/*
 * Per webhook, in Redis, shared by every worker process (`<base>` is `<queue prefix>:ep:<webhook id>`,
 * so with a hash-tagged prefix every key of the queue and the gate is in one Cluster slot):
 *   KEYS[1] <base>         hash   pausedUntil, cooldownMs, probe (its delivery id), fails, avgMs, nextAt, lastAt
 *   KEYS[2] <base>:slots   zset   delivery ids in flight, scored by the end of their lease (a dead worker's slot comes back then)
 *   KEYS[3] <base>:owner   hash   delivery id → the token of the slot's holder: only it renews or gives the slot back
 *                                 ("a:<uuid>" while an admitted job has not started; the run's own token once it has)
 *   KEYS[4] <base>:res     zset   rate-limit reservations: delivery id → the time its turn comes
 *   KEYS[5] <base>:done    zset   "<delivery id>:<attempt>" of attempts made lately, scored by when
 *   KEYS[6] <base>:line    list   "<delivery id>:<attempt>" of jobs waiting for a slot, oldest first
 *   KEYS[7] <base>:parked  hash   "<delivery id>:<attempt>" → the waiting job's data
 * One call serves many attempts, of any webhooks: KEYS holds the seven keys of each webhook
 * once, and each entry of ARGV names its webhook's group (0 for KEYS[1..7], 1 for KEYS[8..14]…).
 * The scripts read the time from Redis itself (so workers whose clocks disagree share one
 * clock), tidy each webhook once per call (lapsed leases, attempts remembered too long), and
 * give every key a time to live, so a deleted webhook's keys that a late call re-creates expire.
 */
const COMMON = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function expire(slots, owner)
  local gone = redis.call('ZRANGEBYSCORE', slots, '-inf', now)
  if #gone > 0 then
    redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
    for _, id in ipairs(gone) do redis.call('HDEL', owner, id) end
  end
end
-- Once per webhook and call (the time is the same for all its entries): lapsed leases and
-- attempts remembered longer than the window go.
local tidied = {}
local function tidy(k, window)
  if tidied[k] then return end
  tidied[k] = true
  expire(KEYS[k + 2], KEYS[k + 3])
  redis.call('ZREMRANGEBYSCORE', KEYS[k + 5], '-inf', now - window)
end
local function touchAll(ttl)
  for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ttl) end
end
`;

/* ARGV: cap, done window, ttl; then per entry: group, id, attempt, token, admitted token ('' if none), interval, lease, job. */
const ACQUIRE = `${COMMON}
local cap, window, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {now}
local function acquire(k, a)
  local state, slots, owner, res, done, line, parked = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], KEYS[k + 5], KEYS[k + 6], KEYS[k + 7]
  local id, attempt, token, admitted = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  local interval, lease, job = tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6]), ARGV[a + 7]
  local member = id .. ':' .. attempt
  tidy(k, window)
  local paused = tonumber(redis.call('HGET', state, 'pausedUntil') or '0')
  -- A slot is held while its lease runs: an owner's entry without one (its slot lost) holds nothing.
  local holder = false
  if redis.call('ZSCORE', slots, id) then holder = redis.call('HGET', owner, id) else redis.call('HDEL', owner, id) end
  -- A slot taken by an admission ("a:…") is nobody's run yet: the first run of this attempt takes it over (the
  -- admitted job's, or a job of the same id the reconciler queued a moment before); a second run finds it taken.
  if holder and (holder == admitted or string.sub(holder, 1, 2) == 'a:') then
    if paused == 0 then
      redis.call('HSET', owner, id, token)
      redis.call('ZADD', slots, now + lease, id)
      return {'go', 0, ''}
    end
    -- Paused since it was admitted: the slot goes back, and the job waits out the pause like any other.
    redis.call('ZREM', slots, id)
    redis.call('HDEL', owner, id)
    holder = false
  end
  if holder or redis.call('ZSCORE', slots, id) or redis.call('ZSCORE', done, member) or redis.call('HEXISTS', parked, member) == 1 then
    return {'skip', 0, ''}
  end
  local probe = false
  if paused > 0 then
    if now < paused then return {'wait', paused - now, 'paused'} end
    local probing = redis.call('HGET', state, 'probe')
    local probeLease = probing and redis.call('ZSCORE', slots, probing)
    -- Until the probe's answer (its lease at the latest): the breaker then resumes or pauses again.
    if probeLease then return {'wait', math.max(tonumber(probeLease) - now, 250), 'probing'} end
    probe = true
  elseif redis.call('ZCARD', slots) >= cap then
    redis.call('RPUSH', line, member)
    redis.call('HSET', parked, member, job)
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
  redis.call('HSET', owner, id, token)
  return {probe and 'probe' or 'go', 0, ''}
end
for a = 3, #ARGV - 1, 8 do
  local answer = acquire(tonumber(ARGV[a + 1]) * 7, a + 1)
  out[#out + 1] = answer[1]
  out[#out + 1] = answer[2]
  out[#out + 1] = answer[3]
end
touchAll(ttl)
return out
`;

/*
 * ARGV: threshold, base cooldown, max cooldown, done window, cap, ttl, admitted lease; then per entry: group, id,
 * attempt (0: none recorded), token, outcome, retryAfter, duration, interval, lease, next token ('' : hand nothing on inline).
 * Answers Redis' time, then per entry: kind, until, the number of jobs handed on, then each job and the
 * token its slot is held under ('' : no slot).
 */
const RELEASE = `${COMMON}
local threshold, base, max, window, cap, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local admittedLease = tonumber(ARGV[7])
local out = {now}
local function release(k, a)
  local state, slots, owner, done, line, parked = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 5], KEYS[k + 6], KEYS[k + 7]
  local id, attempt, token, outcome = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  local retryAfter, duration, interval, lease, nextToken = tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6]), tonumber(ARGV[a + 7]), tonumber(ARGV[a + 8]), ARGV[a + 9]
  -- Only the holder gives its slot back: a slot whose lease ran out may be someone else's now.
  if redis.call('HGET', owner, id) == token then
    redis.call('ZREM', slots, id)
    redis.call('HDEL', owner, id)
  end
  local kind, untilMs = 'ok', 0
  local paused
  if outcome ~= 'none' then
    if attempt ~= '0' then redis.call('ZADD', done, now, id .. ':' .. attempt) end
    local s = redis.call('HMGET', state, 'avgMs', 'pausedUntil', 'probe')
    local avg = math.floor(tonumber(s[1] or duration) * 0.8 + duration * 0.2)
    paused = tonumber(s[2] or '0')
    local isProbe = s[3] == id
    if outcome ~= 'transient' then
      redis.call('HSET', state, 'avgMs', avg, 'fails', 0)
      if paused > 0 then
        redis.call('HDEL', state, 'pausedUntil', 'probe', 'cooldownMs')
        kind = 'resumed'
        paused = 0
      end
    else
      redis.call('HSET', state, 'avgMs', avg)
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
  local handed, tokens = {}, {}
  if kind == 'paused' then
    for _, member in ipairs(redis.call('LRANGE', line, 0, -1)) do
      local job = redis.call('HGET', parked, member)
      if job then
        handed[#handed + 1] = job
        tokens[#tokens + 1] = ''
      end
    end
    redis.call('DEL', line, parked)
    return kind, untilMs, handed, tokens
  end
  if paused == nil then paused = tonumber(redis.call('HGET', state, 'pausedUntil') or '0') end
  if paused == 0 then
    tidy(k, window)
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
          -- Each job handed on holds its slot from now: the first under the caller's token (it sends
          -- it next), the others under an admission its first run takes over. A rate-limited
          -- webhook's jobs hold none: they ask the gate for their turn as they run.
          local holder = ''
          if interval == 0 then
            local leaseMs = lease
            if #handed == 1 and nextToken ~= '' then holder = nextToken else
              holder = 'a:' .. now .. ':' .. member
              leaseMs = admittedLease
            end
            redis.call('ZADD', slots, now + leaseMs, did)
            redis.call('HSET', owner, did, holder)
          end
          tokens[#tokens + 1] = holder
        end
      end
    end
  end
  return kind, untilMs, handed, tokens
end
for a = 7, #ARGV - 1, 10 do
  local kind, untilMs, handed, tokens = release(tonumber(ARGV[a + 1]) * 7, a + 1)
  out[#out + 1] = kind
  out[#out + 1] = untilMs
  out[#out + 1] = #handed
  for i, job in ipairs(handed) do
    out[#out + 1] = job
    out[#out + 1] = tokens[i]
  end
end
touchAll(ttl)
return out
`;

/* KEYS: slots, owner. ARGV: id, token, lease. Lengthens the lease of a slot this token holds; 0 when it holds none. */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[3]), ARGV[1])
return 1
`;

/*
 * KEYS: <base>. Ends a pause (an admin's resume): the next attempt goes as any other, not as a
 * probe, and the count of failures in a row starts again. Answers the `pausedUntil` it ended,
 * 0 when it was not paused.
 */
const RESUME = `
local state = KEYS[1]
local paused = tonumber(redis.call('HGET', state, 'pausedUntil') or '0')
redis.call('HDEL', state, 'pausedUntil', 'probe', 'cooldownMs')
redis.call('HSET', state, 'fails', 0)
return paused
`;

type GateRedis = Redis & {
  webhooksResume(key: string): Promise<number>;
  webhooksAcquire(...args: Array<string | number>): Promise<Array<string | number>>;
  webhooksRelease(...args: Array<string | number>): Promise<Array<string | number>>;
  webhooksRenew(...args: Array<string | number>): Promise<number>;
};

interface AcquireEntry {
  webhookId: string;
  deliveryId: string;
  attempt: number;
  token: string;
  admitted: string;
  interval: number;
  lease: number;
  job: string;
}

interface ReleaseEntry {
  webhookId: string;
  deliveryId: string;
  attempt: number;
  token: string;
  outcome: WebhookGateOutcome;
  retryAfterMs: number;
  durationMs: number;
  interval: number;
  nextToken: string;
}

/** How long an untouched webhook's keys live: longer than any lease, pause, reservation or remembered attempt. */
const KEYS_TTL_MS = 3_600_000;

/** Gate calls per script run, at most. */
const GATE_BATCH = 100;

/**
 * Decides, across every worker process, whether one attempt to a webhook may go now:
 * at most `perEndpointConcurrency` in flight (the others wait in the webhook's line,
 * handed on as slots come free), its `rateLimit`, and its breaker (paused after
 * `breakerThreshold` transient failures in a row; one probe after the cooldown).
 * Every slot has an owner's token: only its holder renews or gives it back, and a second
 * run of one job finds the slot taken. Calls made in the same turn of the event loop go
 * to Redis as one script run. What Redis loses here costs no delivery: the database
 * holds those, and the reconciler queues them again.
 */
@Injectable()
export class WebhookEndpointGate {
  private readonly redis: GateRedis;
  private readonly acquires = new WebhookGroupCommit<AcquireEntry, WebhookGateAnswer>((entries) => this.acquireNow(entries), GATE_BATCH);
  private readonly releases = new WebhookGroupCommit<ReleaseEntry, WebhookGateRelease>((entries) => this.releaseNow(entries), GATE_BATCH);

  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {
    const client = queue.client as GateRedis;
    // On a Redis Cluster every key a script touches must be in one slot: the queue's prefix must carry a hash tag.
    const prefix = queue.toKey('');
    if ((client as { isCluster?: boolean }).isCluster && !hasHashTag(prefix)) throw new WebhookRedisClusterError(prefix.replace(/:webhooks:$/, ''));
    if (typeof client.webhooksAcquire !== 'function') {
      client.defineCommand('webhooksAcquire', { lua: ACQUIRE });
      client.defineCommand('webhooksRelease', { lua: RELEASE });
      client.defineCommand('webhooksRenew', { numberOfKeys: 2, lua: RENEW });
      client.defineCommand('webhooksResume', { numberOfKeys: 1, lua: RESUME });
    }
    this.redis = client;
  }

  /** A fresh token for one slot holder. */
  static token(): string {
    return randomUUID();
  }

  /** A fresh token for a slot taken as a job is queued: any run of that attempt may take it over, once. */
  static admissionToken(): string {
    return `a:${randomUUID()}`;
  }

  /**
   * Whether attempt `attempt` of a delivery to `webhookId` may go now, for the run holding
   * `token`; `job` is what waits in line if not. `admitted`: the token the job's slot was
   * taken under as it was queued (the slot is this run's if that admission still holds it).
   */
  acquire(
    webhookId: string,
    deliveryId: string,
    attempt: number,
    rateLimit: number | null | undefined,
    job: string,
    token: string,
    admitted?: string,
  ): Promise<WebhookGateAnswer> {
    return this.acquires.add({
      webhookId, deliveryId, attempt, token, admitted: admitted ?? '', interval: intervalOf(rateLimit), lease: this.leaseMs, job,
    });
  }

  /**
   * The gate's answer for fresh jobs as they are queued: a job that may go takes its slot now
   * under `token` (its run takes the slot over as it starts); one whose webhook is at its
   * concurrency waits in the webhook's line and needs no queue job.
   */
  admit(jobs: Array<{ webhookId: string; deliveryId: string; attempt: number; job: string; token: string }>): Promise<WebhookGateAnswer[]> {
    return Promise.all(
      jobs.map((j) => this.acquires.add({ ...j, admitted: '', interval: 0, lease: this.admittedLeaseMs })),
    );
  }

  /**
   * The attempt ended (or, with `none`, never went): the slot `token` holds comes free, the
   * breaker counts it, and the jobs waiting in line for a slot are handed on. With
   * `nextToken`, the first of them holds the freed slot under that token (sent next by the
   * caller); otherwise all must be queued again.
   */
  release(
    webhookId: string,
    deliveryId: string,
    attempt: number,
    outcome: WebhookGateOutcome,
    durationMs: number,
    rateLimit: number | null | undefined,
    retryAfterMs: number,
    token: string,
    nextToken?: string,
  ): Promise<WebhookGateRelease> {
    return this.releases.add({
      webhookId, deliveryId, attempt, token, outcome, retryAfterMs: Math.round(retryAfterMs), durationMs: Math.round(durationMs),
      interval: intervalOf(rateLimit), nextToken: nextToken ?? '',
    });
  }

  /** Lengthens the lease of a slot `token` holds (an attempt still running); false when it holds none now. */
  async renew(webhookId: string, deliveryId: string, token: string): Promise<boolean> {
    const k = this.keys(webhookId);
    return (await this.redis.webhooksRenew(k.slots, k.owner, deliveryId, token, this.leaseMs)) === 1;
  }

  /**
   * Ends the webhook's pause now. Resolves to when its next probe would have gone, or null when
   * it was not paused (nothing changes then but a reset count of failures in a row); rejects
   * when Redis does not answer within `waitMs`.
   */
  async resume(webhookId: string, waitMs: number): Promise<Date | null> {
    const pausedUntil = Number(await withinMs(this.redis.webhooksResume(this.base(webhookId)), waitMs));
    return pausedUntil > 0 ? new Date(pausedUntil) : null;
  }

  /** A webhook was deleted: its slots, line, pace and breaker go too. Best effort: Redis may be down. */
  async forget(webhookId: string): Promise<void> {
    await withinMs(this.redis.del(...this.keyList(webhookId)), 500).catch(() => undefined);
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

  /** How long an attempt holds its slot without renewing it: a dead worker's slot comes back after this. */
  get leaseMs(): number {
    return this.options.requestTimeoutMs + 5_000;
  }

  /** A slot taken as a job is queued: room for the time the job waits in the queue too. */
  get admittedLeaseMs(): number {
    return this.leaseMs + ADMITTED_QUEUE_MS;
  }

  private async acquireNow(entries: AcquireEntry[]): Promise<WebhookGateAnswer[]> {
    const keys: string[] = [];
    const group = this.grouper(keys);
    const args: Array<string | number> = [this.options.perEndpointConcurrency, DONE_WINDOW_MS, KEYS_TTL_MS];
    for (const e of entries) args.push(group(e.webhookId), e.deliveryId, e.attempt, e.token, e.admitted, e.interval, e.lease, e.job);
    // The first answer is Redis' time: the moment each attempt let go, on the clock every worker shares.
    const flat = await this.redis.webhooksAcquire(keys.length, ...keys, ...args);
    const at = new Date(Number(flat[0]));
    return entries.map((_, i) => toAnswer([String(flat[1 + i * 3]), Number(flat[2 + i * 3]), String(flat[3 + i * 3])], at));
  }

  private async releaseNow(entries: ReleaseEntry[]): Promise<WebhookGateRelease[]> {
    const o = this.options;
    const keys: string[] = [];
    const group = this.grouper(keys);
    const args: Array<string | number> = [
      o.breakerThreshold, o.breakerCooldownMs, BREAKER_MAX_COOLDOWN_MS, DONE_WINDOW_MS, o.perEndpointConcurrency, KEYS_TTL_MS, this.admittedLeaseMs,
    ];
    for (const e of entries) {
      args.push(group(e.webhookId), e.deliveryId, e.attempt, e.token, e.outcome, e.retryAfterMs, e.durationMs, e.interval, this.leaseMs, e.nextToken);
    }
    const flat = await this.redis.webhooksRelease(keys.length, ...keys, ...args);
    const at = new Date(Number(flat[0]));
    const out: WebhookGateRelease[] = [];
    let i = 1;
    for (const e of entries) {
      const kind = String(flat[i]);
      const until = Number(flat[i + 1]);
      const count = Number(flat[i + 2]);
      const pairs = flat.slice(i + 3, i + 3 + count * 2).map(String);
      i += 3 + count * 2;
      const handed = pairs.filter((_, j) => j % 2 === 0);
      const admissions = pairs.filter((_, j) => j % 2 === 1);
      const change: WebhookBreakerChange = kind === 'paused' ? { kind, until: new Date(until) } : kind === 'resumed' ? { kind } : undefined;
      // The script hands the first job the caller's token exactly when it holds the freed slot.
      const inline = e.nextToken !== '' && handed.length > 0 && admissions[0] === e.nextToken;
      out.push({ change, handed, admissions, inline, at });
    }
    return out;
  }

  /** The group number of a webhook's seven keys in `keys`, which gets them the first time the webhook comes up. */
  private grouper(keys: string[]): (webhookId: string) => number {
    const groups = new Map<string, number>();
    return (webhookId) => {
      let g = groups.get(webhookId);
      if (g === undefined) {
        g = groups.size;
        groups.set(webhookId, g);
        keys.push(...this.keyList(webhookId));
      }
      return g;
    };
  }

  private base(webhookId: string): string {
    return this.queue.toKey(`ep:${webhookId}`);
  }

  private keys(webhookId: string) {
    const base = this.base(webhookId);
    return {
      state: base, slots: `${base}:slots`, owner: `${base}:owner`, res: `${base}:res`, done: `${base}:done`, line: `${base}:line`, parked: `${base}:parked`,
    };
  }

  /** The seven keys of a webhook, in the order the scripts take them. */
  private keyList(webhookId: string): string[] {
    const k = this.keys(webhookId);
    return [k.state, k.slots, k.owner, k.res, k.done, k.line, k.parked];
  }
}

function toAnswer([kind, ms, reason]: [string, number, string], at: Date): WebhookGateAnswer {
  if (kind === 'go' || kind === 'probe') return { kind, at };
  if (kind === 'skip' || kind === 'parked') return { kind };
  return { kind: 'wait', waitMs: Number(ms), reason: reason as 'paused' | 'probing' | 'rate' };
}

function intervalOf(rateLimit: number | null | undefined): number {
  return rateLimit ? Math.ceil(1000 / rateLimit) : 0;
}

/** `work`, or a rejection once `ms` have passed without its answer. */
function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
