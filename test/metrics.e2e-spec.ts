import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { WEBHOOK_DELIVERED_EVENT, WEBHOOK_FAILED_EVENT } from '../src/webhooks/index.js';
import type { WebhookDeliveredEvent, WebhookFailedEvent } from '../src/webhooks/index.js';
import { bootDemoHost } from './support/demo-host.js';
import { insertDeliveryRows } from './support/delivery-rows.js';
import type { DemoHost } from './support/demo-host.js';
import { header } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { selfSignedCertificate } from './support/tls.js';

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown) {
    this.lines.push(String(message));
  }
  warn(message: unknown) {
    this.lines.push(String(message));
  }
  error(message: unknown) {
    this.lines.push(String(message));
  }
}

/** The value of one sample of the Prometheus text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? ([0-9.e+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries((m[2] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=')).map(([k, v]) => [k, v.replace(/"/g, '')]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

describe('metrics at the demo\'s GET /metrics and the host events, after real deliveries', () => {
  let demo: DemoHost;
  let receiver: HttpsReceiver;
  const logger = new CapturingLogger();
  const delivered: WebhookDeliveredEvent[] = [];
  const failed: WebhookFailedEvent[] = [];

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((req, res) => {
      if (req.path.startsWith('/down')) res.writeHead(500).end('no');
      else res.writeHead(204).end();
    });
    demo = await bootDemoHost(
      { webhooks: { allowPrivateNetworks: true, tls: { ca: selfSignedCertificate().cert }, retryDelaysMs: [50], autoDisableAfter: 2 } },
      { logger },
    );
    const events = demo.app.get(EventEmitter2);
    events.on(WEBHOOK_DELIVERED_EVENT, (e: WebhookDeliveredEvent) => delivered.push(e));
    events.on(WEBHOOK_FAILED_EVENT, (e: WebhookFailedEvent) => failed.push(e));
  });

  afterAll(async () => {
    await demo?.close();
    await receiver?.close();
  });

  it('counts attempts, ended deliveries and durations, and shows the gauges', async () => {
    const before = (await demo.http.get('/metrics').expect(200)).text;
    expect(before).toContain('# TYPE webhook_attempts_total counter');
    expect(before).toContain('# TYPE webhook_attempt_duration_seconds histogram');

    const admin = '/admin/live-chat/webhooks';
    const ok = (await demo.http.post(admin).send({ name: 'CRM', url: receiver.url('/ok'), events: ['conversation.started'] }).expect(201)).body;
    const down = (
      await demo.http.post(admin).send({ name: 'Ops', url: receiver.url('/down/T0KEN-IN-THE-PATH'), events: ['conversation.started'] }).expect(201)
    ).body;
    await demo.http.post('/conversations').send({ visitorName: 'Ada' }).expect(201);
    await demo.http.post('/conversations').send({ visitorName: 'Grace' }).expect(201);
    // Two deliveries to /ok; two to /down, each tried twice (one retry).
    await receiver.waitFor(6);
    const turnedOff = () => logger.lines.some((l) => l.includes('was turned off'));
    await eventually(() => (failed.length === 2 && delivered.length === 2 && turnedOff() ? true : undefined), 10_000, 'two delivered and two failed events, and Ops off');

    const res = await demo.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const after = res.text;
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    const event = 'conversation.started';
    expect(delta('webhook_attempts_total', { event, outcome: 'success' })).toBe(2);
    expect(delta('webhook_attempts_total', { event, outcome: 'failure' })).toBe(4);
    expect(delta('webhook_deliveries_total', { event, status: 'success' })).toBe(2);
    expect(delta('webhook_deliveries_total', { event, status: 'failed' })).toBe(2);
    expect(delta('webhook_attempt_duration_seconds_count')).toBe(6);
    expect(delta('webhook_attempt_duration_seconds_bucket', { le: '+Inf' })).toBe(6);
    expect(sample(after, 'webhook_deliveries_waiting')).toBe(0);
    expect(sample(after, 'webhook_oldest_due_seconds')).toBe(0);
    // Two deliveries in a row that failed their last retry (autoDisableAfter 2) turned Ops off.
    expect(sample(after, 'webhook_endpoints', { state: 'enabled' })).toBe(1);
    expect(sample(after, 'webhook_endpoints', { state: 'disabled' })).toBe(1);
    expect(sample(after, 'webhook_endpoints', { state: 'paused' })).toBe(0);
    expect(after).toContain('process_cpu_user_seconds_total');

    expect(delivered[0]).toEqual({
      webhook: { id: ok.id, name: 'CRM', url: receiver.url('/ok') },
      deliveryId: expect.any(String),
      event,
      attempt: 1,
      statusCode: 204,
      durationMs: expect.any(Number),
    });
    expect(failed[0]).toEqual({
      webhook: { id: down.id, name: 'Ops', url: receiver.url('/down/T0KEN-IN-THE-PATH') },
      deliveryId: expect.any(String),
      event,
      attempts: 2,
      error: 'HTTP 500',
    });
    expect(new Set(failed.map((f) => f.deliveryId)).size).toBe(2);
    const okIds = receiver.received('/ok').map((r) => header(r, 'x-webhook-id'));
    expect(delivered.map((d) => d.deliveryId).sort()).toEqual(okIds.sort());
  });

  it('reads the waiting deliveries and the most overdue one from the database on each scrape', async () => {
    const dataSource = demo.app.get<DataSource>(getDataSourceToken());
    const [{ id: webhookId }] = (await demo.http.get('/admin/live-chat/webhooks').expect(200)).body;
    // Due 90 s ago and held by a worker (so none sends it meanwhile): a late delivery.
    const [id] = await insertDeliveryRows(dataSource, [
      { webhookId, status: 'retrying', createdAt: new Date(Date.now() - 120_000), nextAttemptAt: new Date(Date.now() - 90_000) },
    ]);
    await dataSource.createQueryBuilder().update('webhook_deliveries').set({ lockedUntil: new Date(Date.now() + 60_000) }).where('id = :id', { id }).execute();
    const text = (await demo.http.get('/metrics').expect(200)).text;
    expect(sample(text, 'webhook_deliveries_waiting')).toBe(1);
    expect(sample(text, 'webhook_oldest_due_seconds')).toBeGreaterThanOrEqual(90);
    expect(sample(text, 'webhook_oldest_due_seconds')).toBeLessThan(150);
    await dataSource.createQueryBuilder().delete().from('webhook_deliveries').where('id = :id', { id }).execute();
  });

  it("logs what a site owner needs to know, without the URL's secret path", async () => {
    const host = `127.0.0.1:${receiver.port}`;
    const disabled = logger.lines.find((l) => l.startsWith('Webhook "Ops"') && l.includes('was turned off'));
    expect(disabled).toBeDefined();
    expect(disabled).toContain(`(${host})`);
    const failedLine = logger.lines.find((l) => l.startsWith('Webhook "Ops"') && l.includes('did not receive conversation.started'));
    expect(failedLine).toMatch(/after 2 attempts: HTTP 500/);
    expect(logger.lines.join('\n')).not.toContain('T0KEN-IN-THE-PATH');
  });

  it('sends no traceparent header when no tracing SDK is registered', () => {
    for (const req of receiver.requests) expect(req.headers.traceparent).toBeUndefined();
  });
});
