import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In } from 'typeorm';
import type { Repository, WhereExpressionBuilder } from 'typeorm';

type WhereQuery = WhereExpressionBuilder;
import { WebhookDelivery } from '../delivery-log/webhook-delivery.entity.js';
import type { WebhookDeliveryStatus } from '../delivery-log/webhook-delivery.entity.js';
import { WebhookEndpoint } from '../endpoints/webhook-endpoint.entity.js';
import { WebhookBreakerState } from './webhook-breaker.state.js';
import type { WebhookHealthStats, WebhookHealthSummary, WebhooksOverviewStats } from './webhook-stats.types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Nearest-rank percentile of a histogram sorted by value. */
export function percentile(histogram: Array<{ value: number; count: number }>, p: number): number | null {
  const n = histogram.reduce((sum, h) => sum + h.count, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (const h of histogram) {
    seen += h.count;
    if (seen >= rank) return h.value;
  }
  return histogram[histogram.length - 1].value;
}

/** The first hour of a window of `hours` clock hours that ends with the current one. */
export function windowStart(now: Date, hours: number): Date {
  return new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS);
}

/**
 * The read-only queries behind `GET /stats`, `GET /:id/stats` and the metrics'
 * gauges, kept apart from the delivery path. Each is served by an index:
 *
 * - pending, retrying, oldest due: `IDX_webhook_deliveries_due` (status, nextAttemptAt);
 * - failed in the last 24 h: `IDX_webhook_deliveries_status_created` (status, isTest, createdAt);
 * - one webhook's window, its durations and its newest delivery:
 *   `IDX_webhook_deliveries_webhook_stats` (webhookId, isTest, createdAt, status, durationMs),
 *   which covers those queries, so no table row is read; the list's health of many
 *   webhooks reads the same index, in three queries whatever their number.
 */
@Injectable()
export class WebhookStats {
  constructor(
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    private readonly breaker: WebhookBreakerState,
  ) {}

  /**
   * The overview of `GET /stats`; with `accountId`, of that account's webhooks only (its
   * deliveries read by `IDX_webhook_deliveries_account_status`).
   */
  async overview(now = new Date(), accountId?: string): Promise<WebhooksOverviewStats> {
    const [waiting, oldestDue, failedLast24h, disabledWebhooks, paused] = await Promise.all([
      this.waiting(accountId),
      this.oldestDueAt(now, accountId),
      this.inAccount(this.deliveries.createQueryBuilder('d'), accountId)
        .andWhere('d.status = :failed', { failed: 'failed' })
        .andWhere('d.isTest = :isTest', { isTest: false })
        .andWhere('d.createdAt >= :since', { since: new Date(now.getTime() - DAY_MS) })
        .getCount(),
      this.endpoints.count({ where: accountId === undefined ? { enabled: false } : { enabled: false, accountId } }),
      this.pausedIn(accountId),
    ]);
    return {
      ...waiting,
      failedLast24h,
      oldestDueAgeMs: oldestDue ? Math.max(0, now.getTime() - oldestDue.getTime()) : 0,
      pausedWebhooks: paused.length,
      disabledWebhooks,
    };
  }

  /** `d.accountId = :accountId` when given; the condition every account-wide query starts with. */
  private inAccount<Q extends WhereQuery>(qb: Q, accountId: string | undefined): Q {
    return accountId === undefined ? qb : (qb.andWhere('d.accountId = :accountId', { accountId }) as Q);
  }

  /** The paused webhooks, of one account when given. */
  private async pausedIn(accountId: string | undefined): Promise<string[]> {
    const paused = await this.breaker.pausedWebhookIds();
    if (accountId === undefined || paused.length === 0) return paused;
    const own = await this.endpoints.find({ select: { id: true }, where: { accountId, id: In(paused) } });
    return own.map((e) => e.id);
  }

  /** Deliveries waiting for their first attempt, and for a retry; of one account when given. */
  async waiting(accountId?: string): Promise<{ pending: number; retrying: number }> {
    const rows = await this.inAccount(this.deliveries.createQueryBuilder('d'), accountId)
      .select('d.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .andWhere('d.status IN (:...waiting)', { waiting: ['pending', 'retrying'] })
      .groupBy('d.status')
      .getRawMany<{ status: WebhookDeliveryStatus; n: string | number }>();
    const count = (status: WebhookDeliveryStatus) => Number(rows.find((r) => r.status === status)?.n ?? 0);
    return { pending: count('pending'), retrying: count('retrying') };
  }

  /** Webhooks by state, for the `webhook_endpoints{state}` gauge. */
  async endpointStates(): Promise<{ enabled: number; paused: number; disabled: number }> {
    const [enabledIds, disabled, paused] = await Promise.all([
      this.endpoints.find({ select: { id: true }, where: { enabled: true } }),
      this.endpoints.count({ where: { enabled: false } }),
      this.breaker.pausedWebhookIds(),
    ]);
    const pausedSet = new Set(paused);
    const pausedEnabled = enabledIds.filter((e) => pausedSet.has(e.id)).length;
    return { enabled: enabledIds.length - pausedEnabled, paused: pausedEnabled, disabled };
  }

  /** When the most overdue waiting delivery (of one account, when given) was due; null when none is due. */
  async oldestDueAt(now = new Date(), accountId?: string): Promise<Date | null> {
    const row = await this.inAccount(this.deliveries.createQueryBuilder('d'), accountId)
      .select('MIN(d.nextAttemptAt)', 'due')
      .andWhere('d.status IN (:...waiting)', { waiting: ['pending', 'retrying'] })
      .andWhere('d.nextAttemptAt <= :now', { now })
      .getRawOne<{ due: Date | string | null }>();
    return row?.due ? new Date(row.due) : null;
  }

  async health(webhookId: string, hours: number, now = new Date()): Promise<WebhookHealthStats> {
    const start = windowStart(now, hours);
    const windowed = () =>
      this.deliveries
        .createQueryBuilder('d')
        .where('d.webhookId = :webhookId', { webhookId })
        .andWhere('d.isTest = :isTest', { isTest: false })
        .andWhere('d.createdAt >= :start', { start });

    const bucket = this.hourBucketSql();
    const [byHour, durations, last] = await Promise.all([
      windowed()
        .select(bucket, 'bucket')
        .addSelect('d.status', 'status')
        .addSelect('COUNT(*)', 'n')
        .setParameter('bucketStart', start)
        .groupBy('bucket')
        .addGroupBy('d.status')
        .getRawMany<{ bucket: string | number; status: WebhookDeliveryStatus; n: string | number }>(),
      windowed()
        .select('d.durationMs', 'ms')
        .addSelect('COUNT(*)', 'n')
        .andWhere('d.status IN (:...ended)', { ended: ['success', 'failed'] })
        .andWhere('d.durationMs IS NOT NULL')
        .groupBy('d.durationMs')
        .orderBy('d.durationMs', 'ASC')
        .getRawMany<{ ms: string | number; n: string | number }>(),
      this.deliveries
        .createQueryBuilder('d')
        .select(['d.createdAt', 'd.status'])
        .where('d.webhookId = :webhookId', { webhookId })
        .andWhere('d.isTest = :isTest', { isTest: false })
        .orderBy('d.createdAt', 'DESC')
        .take(1)
        .getOne(),
    ]);

    const perHour = Array.from({ length: hours }, (_, i) => ({ hour: new Date(start.getTime() + i * HOUR_MS), success: 0, failed: 0 }));
    let total = 0;
    let success = 0;
    let failed = 0;
    for (const row of byHour) {
      const n = Number(row.n);
      total += n;
      const slot = perHour[Math.min(hours - 1, Math.max(0, Number(row.bucket)))];
      if (row.status === 'success') {
        success += n;
        slot.success += n;
      } else if (row.status === 'failed') {
        failed += n;
        slot.failed += n;
      }
    }
    const histogram = durations.map((d) => ({ value: Number(d.ms), count: Number(d.n) }));
    return {
      hours,
      total,
      success,
      failed,
      successRate: success + failed === 0 ? null : success / (success + failed),
      p50Ms: percentile(histogram, 0.5),
      p95Ms: percentile(histogram, 0.95),
      lastDeliveryAt: last?.createdAt ?? null,
      lastStatus: last?.status ?? null,
      perHour,
    };
  }

  /**
   * The last 24 clock hours of each webhook (as `health(id, 24)` counts them), for the list:
   * three queries whatever the number of webhooks (counts by status, durations, newest delivery).
   */
  async summaries(webhookIds: string[], now = new Date()): Promise<Map<string, WebhookHealthSummary>> {
    const out = new Map<string, WebhookHealthSummary>();
    if (webhookIds.length === 0) return out;
    const start = windowStart(now, 24);
    const windowed = () =>
      this.deliveries
        .createQueryBuilder('d')
        .select('d.webhookId', 'webhookId')
        .where('d.webhookId IN (:...webhookIds)', { webhookIds })
        .andWhere('d.isTest = :isTest', { isTest: false })
        .andWhere('d.createdAt >= :start', { start });
    const [byStatus, durations, newest] = await Promise.all([
      windowed()
        .addSelect('d.status', 'status')
        .addSelect('COUNT(*)', 'n')
        .groupBy('d.webhookId')
        .addGroupBy('d.status')
        .getRawMany<{ webhookId: string; status: WebhookDeliveryStatus; n: string | number }>(),
      windowed()
        .addSelect('d.durationMs', 'ms')
        .addSelect('COUNT(*)', 'n')
        .andWhere('d.status IN (:...ended)', { ended: ['success', 'failed'] })
        .andWhere('d.durationMs IS NOT NULL')
        .groupBy('d.webhookId')
        .addGroupBy('d.durationMs')
        .orderBy('d.webhookId', 'ASC')
        .addOrderBy('d.durationMs', 'ASC')
        .getRawMany<{ webhookId: string; ms: string | number; n: string | number }>(),
      this.newestOf(webhookIds),
    ]);

    const counts = new Map<string, { total: number; success: number; failed: number }>();
    for (const row of byStatus) {
      const c = counts.get(row.webhookId) ?? { total: 0, success: 0, failed: 0 };
      const n = Number(row.n);
      c.total += n;
      if (row.status === 'success') c.success += n;
      else if (row.status === 'failed') c.failed += n;
      counts.set(row.webhookId, c);
    }
    const histograms = new Map<string, Array<{ value: number; count: number }>>();
    for (const row of durations) {
      const h = histograms.get(row.webhookId) ?? [];
      h.push({ value: Number(row.ms), count: Number(row.n) });
      histograms.set(row.webhookId, h);
    }
    for (const id of webhookIds) {
      const c = counts.get(id) ?? { total: 0, success: 0, failed: 0 };
      const last = newest.get(id);
      out.set(id, {
        total: c.total,
        successRate: c.success + c.failed === 0 ? null : c.success / (c.success + c.failed),
        p95Ms: percentile(histograms.get(id) ?? [], 0.95),
        lastDeliveryAt: last?.createdAt ?? null,
        lastStatus: last?.status ?? null,
      });
    }
    return out;
  }

  /**
   * Each webhook's newest delivery, however old, in one statement: a `LIMIT 1` read of the
   * index per webhook, joined by UNION ALL (a GROUP BY would read every row on PostgreSQL,
   * which has no loose index scan, and MariaDB has no LATERAL join).
   */
  private async newestOf(webhookIds: string[]): Promise<Map<string, { createdAt: Date; status: WebhookDeliveryStatus }>> {
    const parameters: Record<string, unknown> = { isTest: false };
    const parts = webhookIds.map((id, i) => {
      parameters[`w${i}`] = id;
      const qb = this.deliveries
        .createQueryBuilder('d')
        .select('d.webhookId', 'webhookId')
        .addSelect('d.createdAt', 'createdAt')
        .addSelect('d.status', 'status')
        .where(`d.webhookId = :w${i}`)
        .andWhere('d.isTest = :isTest')
        .orderBy('d.createdAt', 'DESC')
        .limit(1);
      return `(${qb.getQuery()})`;
    });
    const connection = this.deliveries.manager.connection;
    const [sql, values] = connection.driver.escapeQueryWithParameters(parts.join(' UNION ALL '), parameters);
    const rows: Array<{ webhookId: string; createdAt: Date | string; status: WebhookDeliveryStatus }> = await this.deliveries.manager.query(sql, values);
    return new Map(rows.map((r) => [r.webhookId, { createdAt: r.createdAt instanceof Date ? r.createdAt : new Date(r.createdAt), status: r.status }]));
  }

  /**
   * The hour of the window a delivery falls in, 0 for the first. Measured from the
   * window's start (a parameter written the way the column's values are), so the
   * connection's time zone does not matter.
   */
  private hourBucketSql(): string {
    const type = this.deliveries.manager.connection.driver.options.type;
    if (type === 'postgres') return `FLOOR(EXTRACT(EPOCH FROM (d.createdAt - CAST(:bucketStart AS timestamp))) / 3600)`;
    return 'FLOOR(TIMESTAMPDIFF(SECOND, :bucketStart, d.createdAt) / 3600)';
  }
}

