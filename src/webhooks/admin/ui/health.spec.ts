import { describe, expect, it } from '@jest/globals';
import { disabledText, failureText, healthOf, heldBy } from './health.js';
import type { Webhook } from './types.js';

const base: Webhook = {
  id: 'w1', name: 'CRM', url: 'https://crm.example/hook', events: ['*'], enabled: true, format: 'json', hasSecret: false,
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', consecutiveFailures: 0, disabledAt: null,
  disabledReason: null, pausedUntil: null, health: { total: 100, successRate: 1, p95Ms: 80, lastDeliveryAt: null, lastStatus: 'success' },
};
const now = Date.parse('2026-01-02T12:00:00Z');

describe('the health badge', () => {
  it('calls a webhook that delivers everything Healthy, and one with nothing sent Healthy too', () => {
    expect(healthOf(base, now)).toMatchObject({ kind: 'healthy', label: 'Healthy', detail: '100 % delivered in 24 h' });
    expect(healthOf({ ...base, health: { ...base.health!, total: 0, successRate: null } }, now)).toMatchObject({ label: 'Healthy', kind: 'idle' });
  });

  it('calls 57.7 % delivered Failing even when the last one went through, and says how many in a row', () => {
    expect(healthOf({ ...base, health: { ...base.health!, successRate: 0.577 } }, now)).toEqual({
      kind: 'failing', label: 'Failing', detail: '57.7 % delivered in 24 h, the last one went through',
    });
    expect(healthOf({ ...base, health: { ...base.health!, successRate: 0.5, lastStatus: 'failed' } }, now).detail).toBe('50 % delivered in 24 h, the last one failed');
    expect(healthOf({ ...base, consecutiveFailures: 3, health: { ...base.health!, successRate: 0.97 } }, now).detail).toBe('97 % delivered in 24 h, 3 failed in a row');
  });

  it('says why a webhook is paused and when the next probe goes', () => {
    const paused = healthOf({ ...base, consecutiveFailures: 5, pausedUntil: '2026-01-02T12:05:00Z' }, now);
    expect(paused).toMatchObject({ kind: 'paused', label: 'Paused' });
    expect(paused.detail).toMatch(/^The breaker paused it: 5 failed in a row; next probe at /);
    expect(healthOf({ ...base, pausedUntil: '2026-01-02T12:05:00Z' }, now).detail).toMatch(/^The breaker paused it: its receiver kept failing .+; next probe at /);
    expect(healthOf({ ...base, pausedUntil: '2026-01-02T11:00:00Z' }, now).detail).toContain('a probe delivery is due now');
  });

  it('gives the reason a webhook is disabled once, with \\b meaning a word boundary', () => {
    expect(healthOf({ ...base, enabled: false, disabledReason: 'Disabled by an admin' }, now)).toEqual({ kind: 'disabled', label: 'Disabled', detail: 'Disabled by an admin' });
    expect(disabledText('410 Gone from the endpoint')).toBe('Disabled: 410 Gone from the endpoint');
    expect(disabledText('Disabledness')).toBe('Disabled: Disabledness');
    expect(disabledText(null)).toBe('Disabled');
  });

  it('marks waiting deliveries of a paused or disabled webhook as held', () => {
    expect(heldBy({ status: 'retrying' }, { enabled: true, pausedUntil: '2026-01-02T12:05:00Z' })).toBe('paused');
    expect(heldBy({ status: 'pending' }, { enabled: false, pausedUntil: null })).toBe('disabled');
    expect(heldBy({ status: 'failed' }, { enabled: true, pausedUntil: '2026-01-02T12:05:00Z' })).toBeNull();
    expect(heldBy({ status: 'pending' }, { enabled: true, pausedUntil: null })).toBeNull();
  });

  it('says a failure once', () => {
    expect(failureText('HTTP 500', 500)).toBe('HTTP 500');
    expect(failureText('timeout after 10000 ms', null)).toBe('timeout after 10000 ms');
    expect(failureText('redirect refused', 302)).toBe('redirect refused (HTTP 302)');
    expect(failureText(null, 200)).toBe('HTTP 200');
  });
});
