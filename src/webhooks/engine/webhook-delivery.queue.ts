import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import type { Redis } from 'ioredis';
import { WebhookDeliveryStore } from '../delivery-log/webhook-delivery.store.js';
import { WEBHOOKS_DELIVER_JOB, WEBHOOKS_QUEUE } from '../webhooks.constants.js';
import { WebhookEndpointGate } from './webhook-endpoint.gate.js';

/**
 * One attempt of one delivery. Jobs made when an event is published or a retry is
 * scheduled carry everything the attempt needs (`webhookId`, `event`, `body`, `since`),
 * so it reads nothing from the database; a job with only the first two (queued again
 * by the reconciler) has the delivery loaded and claimed from the database first.
 */
export interface WebhookDeliveryJob {
  deliveryId: string;
  /** The attempt this job makes; part of the job id so a retry never collides with the job that scheduled it. */
  attempt: number;
  webhookId?: string;
  event?: string;
  /** The exact bytes to send. */
  body?: string;
  isTest?: boolean;
  /** When the delivery's schedule began (ms): a delivery held back by a paused webhook ends once it has all passed. */
  since?: number;
  /** The W3C `traceparent` of the publish that made the delivery: its attempts join that trace. */
  traceparent?: string;
  /** The token its webhook's slot was taken under as it was queued: the job's run takes that slot over. */
  admitted?: string;
  /** Its ordering key (an ordered webhook's): once it ends, the key's next delivery is queued. */
  orderingKey?: string;
}

export interface ScheduledWebhookDeliveryJob extends WebhookDeliveryJob {
  delayMs?: number;
  /**
   * Ask the webhook's gate before queuing (a fresh delivery, due now): a job that may go takes
   * its slot at once and is queued as admitted; one whose webhook is at its concurrency waits
   * in the webhook's line without a queue job at all; one that must wait is queued delayed.
   * The value is the webhook's `rateLimit` (a rate-limited webhook's jobs are not admitted:
   * their turn is taken when they run).
   */
  admit?: { rateLimit: number | null | undefined };
  /**
   * Queue it only if it is its key's turn: no older delivery of its webhook and ordering key
   * has yet to end (the database says). Otherwise it gets no job at all: the one before it
   * queues it as it ends.
   */
  inOrder?: boolean;
}

function withoutScheduling(job: ScheduledWebhookDeliveryJob): WebhookDeliveryJob {
  const { delayMs: _delay, admit: _admit, admitted: _admitted, inOrder: _inOrder, ...data } = job;
  return data;
}

/**
 * The job for a stored delivery's next attempt, with everything the attempt needs; its
 * schedule (for a paused webhook's give-up) counted from `since`.
 */
export function jobForDelivery(
  d: {
    id: string; attempts: number; webhookId: string; event: string; payload: unknown; isTest?: boolean; traceparent?: string | null; orderingKey?: string | null;
  },
  since: number,
): Required<Omit<WebhookDeliveryJob, 'traceparent' | 'admitted' | 'orderingKey'>> & Pick<WebhookDeliveryJob, 'traceparent' | 'orderingKey'> {
  return {
    deliveryId: d.id,
    attempt: d.attempts + 1,
    webhookId: d.webhookId,
    event: d.event,
    body: JSON.stringify(d.payload),
    isTest: Boolean(d.isTest),
    since,
    ...(d.traceparent ? { traceparent: d.traceparent } : {}),
    ...(d.orderingKey ? { orderingKey: d.orderingKey } : {}),
  };
}

/** Whether a delivery has ended (delivered, or failed for good): sent again, it goes outside its key's order. */
export function hasEnded(status: string): boolean {
  return status === 'success' || status === 'failed';
}

/**
 * The job that sends a delivery again (redeliver, replay): an ended one goes outside its key's
 * order, one still waiting keeps its turn (`inOrder`). Its schedule counted from `since`.
 */
export function jobToSendAgain(
  d: Parameters<typeof jobForDelivery>[0] & { status: string },
  since: number,
): ScheduledWebhookDeliveryJob {
  const orderingKey = hasEnded(d.status) ? null : d.orderingKey;
  return { ...jobForDelivery({ ...d, orderingKey }, since), ...(orderingKey ? { inOrder: true } : {}) };
}

/** A job whose data is not a delivery's (a bare or foreign hash): it ends no delivery. */
export function isDeliveryJob(data: unknown): data is WebhookDeliveryJob {
  const d = data as WebhookDeliveryJob | undefined;
  return typeof d?.deliveryId === 'string' && Number.isInteger(d.attempt) && d.attempt >= 1;
}

/**
 * Thrown by an attempt that may not go yet (its webhook is at its concurrency, its rate,
 * or paused): Bull puts the job back among the delayed ones for `waitMs`. It spends no
 * attempt of the delivery and holds no worker slot while it waits.
 */
export class WebhookDeliveryWait extends Error {
  constructor(readonly waitMs: number, reason: string) {
    super(`Waiting ${Math.round(waitMs)} ms: ${reason}`);
    this.name = 'WebhookDeliveryWait';
    // Bull stores the stack of every failure on the job: keep it one line.
    this.stack = this.message;
  }
}

const WAIT_BACKOFF = 'webhooks-wait';

/**
 * How Bull watches the jobs in flight. A worker that dies holds its jobs until its
 * lock runs out; with 10 s locks checked every 5 s another worker takes them back
 * within about 20 s, well inside the 60 s the contract promises. Locks are renewed
 * every 5 s while an attempt runs, however long it takes. A job that must wait its
 * turn goes back among the delayed jobs for as long as its `WebhookDeliveryWait` says.
 */
export const WEBHOOKS_QUEUE_SETTINGS = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 1,
  backoffStrategies: {
    [WAIT_BACKOFF]: (_attemptsMade: number, err: Error) => Math.max(1, Math.round((err as WebhookDeliveryWait).waitMs ?? 1_000)),
  },
};

const JOB_OPTIONS: JobOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  // Bull's own attempts count only turns waited, never the delivery's attempts.
  attempts: 1_000_000_000,
  backoff: { type: WAIT_BACKOFF },
  stackTraceLimit: 1,
};

/** One job per delivery attempt, so a job added twice (by the reconciler, say) is one job. */
export function deliveryJobId(deliveryId: string, attempt: number): string {
  return `${deliveryId}:${attempt}`;
}

/** A due delivery as the reconciler found it in the database. */
export interface WebhookDueJob extends WebhookDeliveryJob {
  webhookId: string;
}

/*
 * Which due deliveries have no live job: not in flight (a slot of its webhook), not waiting
 * in its webhook's line behind a live attempt, and no job hash with data that waits, is
 * delayed or is active. A bare hash (what a flush between Bull's "move to active" and the
 * job's start leaves) or a finished one is deleted here, so the job can be added again under
 * its id; so is a place in a line that no live attempt will ever hand on.
 *   KEYS[1..4]    the queue's delayed (zset), active, wait and paused (lists)
 *   KEYS[5]       the queue's mark: set as a worker starts; gone means Redis lost its data
 *   then per row  the job's hash, its logs, and its webhook's slots (zset) and parked (hash)
 *   ARGV          the hold (ms); then per row: the delivery id, the job id
 * When the mark is gone, Redis lost its data (flushed, or restarted empty) while attempts may
 * have been in flight, their slots lost with it: nothing is reported missing until they have
 * ended (the hold: one attempt's time-out and its record), so none is sent a second time beside
 * itself. Answers {-1} while holding.
 * Each row costs O(log n): a job with data that was never taken waits (no scan of the wait
 * list); only one taken and neither active nor delayed (moved back after a stall) is looked for
 * in the wait and paused lists. The time is Redis' own, as the slots' leases are.
 */
const MISSING = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local delayed, active, wait, paused, mark = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local lost = redis.call('GET', mark)
if not lost then
  redis.call('SET', mark, now)
  lost = now
end
if now < tonumber(lost) + tonumber(ARGV[1]) then return {-1} end
local out = {}
for r = 0, (#KEYS - 5) / 4 - 1 do
  local key, logs, slots, parked = KEYS[6 + r * 4], KEYS[7 + r * 4], KEYS[8 + r * 4], KEYS[9 + r * 4]
  local deliveryId, jobId = ARGV[2 + r * 2], ARGV[3 + r * 2]
  local alive = false
  local lease = redis.call('ZSCORE', slots, deliveryId)
  if lease and tonumber(lease) > now then alive = true end
  if not alive and redis.call('HEXISTS', parked, jobId) == 1 then
    if redis.call('ZCOUNT', slots, now, '+inf') > 0 then alive = true else redis.call('HDEL', parked, jobId) end
  end
  if not alive and redis.call('HEXISTS', key, 'data') == 1 and redis.call('HEXISTS', key, 'finishedOn') == 0 then
    if redis.call('ZSCORE', delayed, jobId) or redis.call('HEXISTS', key, 'processedOn') == 0 or redis.call('LPOS', active, jobId)
      or redis.call('LPOS', wait, jobId) or redis.call('LPOS', paused, jobId) then
      alive = true
    end
  end
  if not alive then
    redis.call('DEL', key, logs)
    out[#out + 1] = r
  end
end
return out
`;

/** The queue's mark of a Redis that has not lost its data since a worker set it. */
const MARK = 'mark';

type QueueRedis = Redis & { webhooksMissing(...args: Array<string | number>): Promise<number[]> };

/**
 * Moves due deliveries to the worker. The database stays the source of truth:
 * a job that cannot be queued (Redis down) is found again by the reconciler.
 */
@Injectable()
export class WebhookDeliveryQueue {
  private readonly logger = new Logger('WebhooksModule');
  private pending: ScheduledWebhookDeliveryJob[] = [];
  private flushing?: Promise<void>;

  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) readonly queue: Queue<WebhookDeliveryJob>,
    private readonly gate: WebhookEndpointGate,
    private readonly store: WebhookDeliveryStore,
  ) {}

  /**
   * Queues jobs; a job whose id is already queued stays as it is. Jobs handed in during
   * one turn of the event loop go to Redis in one pipeline. Never throws, and never
   * waits for a Redis that is down: the rows are stored, and the reconciler queues them.
   */
  enqueue(jobs: ScheduledWebhookDeliveryJob[]): Promise<void> {
    if (jobs.length === 0) return Promise.resolve();
    this.pending.push(...jobs);
    return (this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush()));
  }

  private async flush(): Promise<void> {
    const jobs = this.pending;
    this.pending = [];
    this.flushing = undefined;
    // While Redis is down (not while it first connects) nothing is sent to it: its client
    // would hold every job in memory. The reconciler queues them once it is back.
    const status = (this.queue.client as Redis).status;
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      this.logger.warn(`Could not queue ${jobs.length} webhook deliveries (Redis is ${status}); they are stored and will be sent once the queue answers.`);
      return;
    }
    try {
      const queued = await this.admit(await this.inTurn(jobs));
      if (queued.length === 0) return;
      await this.queue.addBulk(
        queued.map(({ delayMs, admit: _admit, inOrder: _inOrder, ...data }) => ({
          name: WEBHOOKS_DELIVER_JOB,
          data,
          opts: { ...JOB_OPTIONS, jobId: deliveryJobId(data.deliveryId, data.attempt), delay: delayMs && delayMs > 0 ? delayMs : undefined },
        })),
      );
    } catch (err) {
      this.logger.warn(
        `Could not queue ${jobs.length} webhook deliveries (${(err as Error).message}); they are stored and will be sent once the queue answers.`,
      );
    }
  }

  /**
   * The jobs to queue, without those marked `inOrder` whose key has an older delivery yet to
   * end (one statement for them all; none for jobs not marked). When the database does not
   * answer, the marked jobs are left to the reconciler, which queues each in its turn.
   */
  private async inTurn(jobs: ScheduledWebhookDeliveryJob[]): Promise<ScheduledWebhookDeliveryJob[]> {
    const asking = jobs.filter((j) => j.inOrder);
    if (asking.length === 0) return jobs;
    let first: Set<string>;
    try {
      first = await this.store.firstInOrder(asking.map((j) => j.deliveryId));
    } catch (err) {
      this.logger.warn(`Could not tell whether ${asking.length} ordered webhook deliveries may go yet (${(err as Error).message}); the reconciler queues each in its turn.`);
      first = new Set();
    }
    return jobs.filter((j) => !j.inOrder || first.has(j.deliveryId));
  }

  /** The jobs to queue, after their webhooks' gates were asked about the ones marked `admit`. */
  private async admit(jobs: ScheduledWebhookDeliveryJob[]): Promise<ScheduledWebhookDeliveryJob[]> {
    const asking = jobs.filter((j) => j.admit && !j.admit.rateLimit && !(j.delayMs && j.delayMs > 0) && j.webhookId && j.body !== undefined);
    if (asking.length === 0) return jobs;
    const tokens = asking.map(() => WebhookEndpointGate.admissionToken());
    const answers = await this.gate.admit(
      asking.map((j, i) => ({
        webhookId: j.webhookId!, deliveryId: j.deliveryId, attempt: j.attempt, job: JSON.stringify(withoutScheduling(j)), token: tokens[i],
      })),
    );
    const answerOf = new Map(asking.map((j, i) => [j, { answer: answers[i], token: tokens[i] }]));
    const queued: ScheduledWebhookDeliveryJob[] = [];
    for (const job of jobs) {
      const asked = answerOf.get(job);
      const answer = asked?.answer;
      if (!answer) queued.push(job);
      else if (answer.kind === 'go' || answer.kind === 'probe') queued.push({ ...job, admitted: asked!.token });
      else if (answer.kind === 'wait') queued.push({ ...job, delayMs: answer.waitMs });
      // 'parked': it waits in its webhook's line; 'skip': it is in flight, made, or in line already.
    }
    return queued;
  }

  /** Queues a job to run now; one already waiting for its delay is moved forward instead. */
  async enqueueNow(job: ScheduledWebhookDeliveryJob): Promise<void> {
    try {
      const queued = await this.queue.getJob(deliveryJobId(job.deliveryId, job.attempt));
      if (queued && (await queued.isDelayed())) {
        await queued.promote();
        return;
      }
    } catch (err) {
      this.logger.warn(`Could not look up the queue job of webhook delivery ${job.deliveryId}: ${(err as Error).message}`);
    }
    await this.enqueue([job]);
  }

  /**
   * Marks the queue's Redis as this worker starts: a mark that is gone later says Redis lost
   * its data (see `missing`). Never replaces a mark that is there.
   */
  async mark(): Promise<void> {
    await this.queue.client.set(this.queue.toKey(MARK), '0', 'NX');
  }

  /**
   * The jobs of `jobs` that have nothing live in Redis (flushed, lost, failed, a bare
   * hash, or never added), with any dead hash of theirs removed so they can be added again.
   * `hold` while Redis lost its data less than `holdMs` ago: the attempts in flight then
   * have yet to end.
   */
  async missing<T extends WebhookDueJob>(jobs: T[], holdMs = 0): Promise<T[] | 'hold'> {
    if (jobs.length === 0) return [];
    const client = this.queue.client as QueueRedis;
    if (typeof client.webhooksMissing !== 'function') client.defineCommand('webhooksMissing', { lua: MISSING });
    const q = (name: string) => this.queue.toKey(name);
    const keys = [q('delayed'), q('active'), q('wait'), q('paused'), q(MARK)];
    const args: Array<string | number> = [holdMs];
    for (const job of jobs) {
      const jobId = deliveryJobId(job.deliveryId, job.attempt);
      const base = q(`ep:${job.webhookId}`);
      keys.push(q(jobId), `${q(jobId)}:logs`, `${base}:slots`, `${base}:parked`);
      args.push(job.deliveryId, jobId);
    }
    const indexes = await client.webhooksMissing(keys.length, ...keys, ...args);
    if (indexes.length === 1 && Number(indexes[0]) === -1) return 'hold';
    return indexes.map((i) => jobs[Number(i)]);
  }
}
