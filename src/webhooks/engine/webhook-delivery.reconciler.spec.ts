import { describe, expect, it } from '@jest/globals';
import { resolveWebhooksOptions } from '../webhooks.options.js';
import { WEBHOOKS_QUEUE_SETTINGS } from './webhook-delivery.queue.js';
import { LEASE_MARGIN_MS } from './webhook-delivery.runner.js';

describe('the 60 s promise: a delivery whose job was lost is sent within 60 s of a worker running', () => {
  const defaults = resolveWebhooksOptions();

  it('holds for a job lost from Redis: one reconcile interval', () => {
    expect(defaults.reconcileIntervalMs).toBe(15_000);
    expect(defaults.reconcileIntervalMs).toBeLessThanOrEqual(30_000);
  });

  it('holds for a delivery held by a worker that died: its lease, then one interval', () => {
    expect(defaults.requestTimeoutMs + LEASE_MARGIN_MS + defaults.reconcileIntervalMs).toBeLessThanOrEqual(60_000);
  });

  it("holds for a job a dead worker had taken: Bull's lock runs out and the stall check takes it back", () => {
    const { lockDuration, stalledInterval } = WEBHOOKS_QUEUE_SETTINGS;
    expect(lockDuration + 2 * stalledInterval).toBeLessThanOrEqual(30_000);
  });

  it('refuses a reconcile interval under 100 ms', () => {
    expect(() => resolveWebhooksOptions({ reconcileIntervalMs: 10 })).toThrow('"reconcileIntervalMs" must be an integer >= 100');
    expect(resolveWebhooksOptions({ reconcileIntervalMs: 250 }).reconcileIntervalMs).toBe(250);
  });
});
