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

  it('GET / gives each webhook its health over the last 24 h, as GET /:id/stats?hours=24 counts it', async () => {
    const { body } = await host.http.get(host.admin).expect(200);
    const byName = Object.fromEntries(body.map((w: { name: string }) => [w.name, w]));
    for (const w of body) expect(Object.keys(w.health).sort()).toEqual(['lastDeliveryAt', 'lastStatus', 'p95Ms', 'successRate', 'total']);
    expect(byName.CRM.health).toMatchObject({ total: 7, p95Ms: 100, lastStatus: 'pending' });
    expect(byName.CRM.health.successRate).toBeCloseTo(5 / 6, 6);
    expect(new Date(byName.CRM.health.lastDeliveryAt).getTime()).toBe(created.newest.getTime());
    const stats = (await host.http.get(`${host.admin}/${webhookId}/stats?hours=24`).expect(200)).body;
    expect(byName.CRM.health).toEqual({
      total: stats.total, successRate: stats.successRate, p95Ms: stats.p95Ms, lastDeliveryAt: stats.lastDeliveryAt, lastStatus: stats.lastStatus,
    });
    // Nothing ended yet: no rate, no percentile; its one delivery is still the newest.
    expect(byName.Slack.health).toMatchObject({ total: 1, successRate: null, p95Ms: null, lastStatus: 'retrying' });
    expect(byName.Old.health).toEqual({ total: 0, successRate: null, p95Ms: null, lastDeliveryAt: null, lastStatus: null });
    // Only the list has it.
    expect((await host.http.get(`${host.admin}/${webhookId}`).expect(200)).body.health).toBeUndefined();
  });

  it('GET / reads the health of all webhooks in as many queries for 23 webhooks as for 3', async () => {
    let queries = 0;
    const ds = host.dataSource;
    const createQueryRunner = ds.createQueryRunner.bind(ds);
    ds.createQueryRunner = ((...args: Parameters<typeof createQueryRunner>) => {
      const runner = createQueryRunner(...args);
      const query = runner.query.bind(runner);
      runner.query = ((...q: Parameters<typeof query>) => {
        queries++;
        return query(...q);
      }) as typeof runner.query;
      return runner;
    }) as typeof ds.createQueryRunner;
    const countList = async () => {
      host.forgetEndpoints();
      queries = 0;
      const { body } = await host.http.get(host.admin).expect(200);
      return { webhooks: body.length as number, queries };
    };
    try {
      const few = await countList();
      const added: string[] = [];
      for (let i = 0; i < 20; i++) {
        const id = (await host.http.post(host.admin).send({ name: `More ${i}`, url: 'https://127.0.0.1:9/m', events: ['*'] }).expect(201)).body.id;
        added.push(id);
        await insertDeliveryRows(host.dataSource, [{ webhookId: id, status: 'success', durationMs: i + 1, createdAt: new Date(now - i * 60_000) }]);
      }
      const many = await countList();
      expect(many.webhooks).toBe(few.webhooks + 20);
      expect(many.queries).toBe(few.queries);
      expect(few.queries).toBeGreaterThanOrEqual(3); // counts by status, durations, newest (and the webhooks themselves)
      expect(many.queries).toBeLessThanOrEqual(5);
      const { body } = await host.http.get(host.admin).expect(200);
      const more = body.find((w: { name: string }) => w.name === 'More 7');
      expect(more.health).toMatchObject({ total: 1, successRate: 1, p95Ms: 8, lastStatus: 'success' });
      for (const id of added) await host.http.delete(`${host.admin}/${id}`).expect(204);
    } finally {
      ds.createQueryRunner = createQueryRunner;
    }
  });

  it('GET /stats: waiting, retrying, failed in 24 h, how late the oldest due delivery is, disabled webhooks', async () => {
    const { body } = await host.http.get(`${host.admin}/stats`).expect(200);
    expect(Object.keys(body).sort()).toEqual(['disabledWebhooks', 'failedLast24h', 'oldestDueAgeMs', 'pausedWebhooks', 'pending', 'retrying']);
    expect(body).toMatchObject({ pending: 1, retrying: 1, failedLast24h: 1, pausedWebhooks: 0, disabledWebhooks: 1 });
    expect(body.oldestDueAgeMs).toBeGreaterThanOrEqual(5_000);
    expect(body.oldestDueAgeMs).toBeLessThan(5_000 + 60_000);
  });
});
