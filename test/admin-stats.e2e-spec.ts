import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertDeliveryRows } from './support/delivery-rows.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const HOUR = 3_600_000;

describe.each(['mariadb', 'postgres'] as const)('stats on %s', (engine) => {
  let host: WebhooksHost;
  let webhookId: string;
  let now: number;
  const created: Record<string, Date> = {};

  beforeAll(async () => {
    // An API-only node: no worker sends (and so changes) the rows this test wrote.
    host = await bootWebhooksHost({ engine, options: { processDeliveries: false } });
    const add = async (name: string, enabled = true) =>
      (await host.http.post(host.admin).send({ name, url: 'https://127.0.0.1:9/hook', events: ['*'], enabled }).expect(201)).body.id as string;
    webhookId = await add('CRM');
    const other = await add('Slack');
    await add('Old', false);

    now = Date.now();
    created.current = new Date(now);
    created.newest = new Date(now + 1);
    created.twoHoursAgo = new Date(now - 2 * HOUR);
    created.dayAndAHalfAgo = new Date(now - 36 * HOUR);
    await insertDeliveryRows(host.dataSource, [
      { webhookId, status: 'success', durationMs: 10, createdAt: created.current },
      { webhookId, status: 'success', durationMs: 20, createdAt: created.current },
      { webhookId, status: 'success', durationMs: 30, createdAt: created.current },
      { webhookId, status: 'failed', durationMs: 100, createdAt: created.current },
      { webhookId, status: 'pending', createdAt: created.newest, nextAttemptAt: new Date(now + 60_000) },
      { webhookId, status: 'success', durationMs: 40, createdAt: created.twoHoursAgo },
      { webhookId, status: 'success', durationMs: 50, createdAt: created.twoHoursAgo },
      { webhookId, status: 'failed', durationMs: 5000, createdAt: created.dayAndAHalfAgo },
      // Test deliveries tell nothing of the real traffic: left out.
      { webhookId, status: 'failed', durationMs: 9999, createdAt: created.current, isTest: true },
      { webhookId: other, status: 'retrying', createdAt: new Date(now - 60_000), nextAttemptAt: new Date(now - 5_000) },
    ]);
  });

  afterAll(async () => {
    await host?.close();
  });

  function slotOf(perHour: Array<{ hour: string }>, at: Date) {
    return perHour.findIndex((p) => new Date(p.hour).getTime() <= at.getTime() && at.getTime() < new Date(p.hour).getTime() + HOUR);
  }

  it('GET /:id/stats: counts, success rate, percentiles, the newest delivery and one entry per hour', async () => {
    const res = await host.http.get(`${host.admin}/${webhookId}/stats`).expect(200);
    const stats = res.body;
    expect(stats).toMatchObject({ hours: 24, total: 7, success: 5, failed: 1, p50Ms: 30, p95Ms: 100, lastStatus: 'pending' });
    expect(stats.successRate).toBeCloseTo(5 / 6, 6);
    expect(new Date(stats.lastDeliveryAt).getTime()).toBe(created.newest.getTime());
    expect(stats.perHour).toHaveLength(24);
    for (const p of stats.perHour) expect(new Date(p.hour).getTime() % HOUR).toBe(0);
    expect(stats.perHour[stats.perHour.length - 1].hour).toBe(new Date(Math.floor(Date.now() / HOUR) * HOUR).toISOString());
    const current = slotOf(stats.perHour, created.current);
    const earlier = slotOf(stats.perHour, created.twoHoursAgo);
    expect(stats.perHour[current]).toMatchObject({ success: 3, failed: 1 });
    expect(stats.perHour[earlier]).toMatchObject({ success: 2, failed: 0 });
    const sum = stats.perHour.reduce((s: number, p: { success: number; failed: number }) => s + p.success + p.failed, 0);
    expect(sum).toBe(6);
  });

  it('GET /:id/stats?hours=48 reaches further back', async () => {
    const { body } = await host.http.get(`${host.admin}/${webhookId}/stats?hours=48`).expect(200);
    expect(body).toMatchObject({ hours: 48, total: 8, success: 5, failed: 2, p95Ms: 5000 });
    expect(body.perHour).toHaveLength(48);
    expect(body.perHour[slotOf(body.perHour, created.dayAndAHalfAgo)]).toMatchObject({ success: 0, failed: 1 });
  });

  it('GET /:id/stats of a webhook with no deliveries has nulls, not zeros, where nothing is known', async () => {
    const id = (await host.http.post(host.admin).send({ name: 'Quiet', url: 'https://127.0.0.1:9/q', events: ['*'] }).expect(201)).body.id;
    const { body } = await host.http.get(`${host.admin}/${id}/stats?hours=1`).expect(200);
    expect(body).toMatchObject({ hours: 1, total: 0, success: 0, failed: 0, successRate: null, p50Ms: null, p95Ms: null, lastDeliveryAt: null, lastStatus: null });
    expect(body.perHour).toHaveLength(1);
    await host.http.delete(`${host.admin}/${id}`).expect(204);
  });

  it.each(['0', '721', '1.5', 'abc', ''])('GET /:id/stats?hours=%s is a 400 naming hours', async (hours) => {
    const res = await host.http.get(`${host.admin}/${webhookId}/stats?hours=${hours}`).expect(400);
    expect(JSON.stringify(res.body.message)).toContain('hours');
  });

  it('GET /:id/stats of an unknown webhook is a 404', async () => {
    const res = await host.http.get(`${host.admin}/00000000-0000-4000-8000-000000000000/stats`).expect(404);
    expect(res.body.message).toBe('Webhook not found');
  });

  it('GET /stats: waiting, retrying, failed in 24 h, how late the oldest due delivery is, disabled webhooks', async () => {
    const { body } = await host.http.get(`${host.admin}/stats`).expect(200);
    expect(Object.keys(body).sort()).toEqual(['disabledWebhooks', 'failedLast24h', 'oldestDueAgeMs', 'pausedWebhooks', 'pending', 'retrying']);
    expect(body).toMatchObject({ pending: 1, retrying: 1, failedLast24h: 1, pausedWebhooks: 0, disabledWebhooks: 1 });
    expect(body.oldestDueAgeMs).toBeGreaterThanOrEqual(5_000);
    expect(body.oldestDueAgeMs).toBeLessThan(5_000 + 60_000);
  });
});
