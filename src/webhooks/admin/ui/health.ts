// What a webhook's badge says: pure, so it is tested on its own (health.spec.ts).
import type { Delivery, Webhook } from './types.js';

/** Below this share of deliveries delivered over 24 h, a webhook is Failing even if its last one went through. */
export const FAILING_BELOW = 0.95;

export type HealthKind = 'healthy' | 'failing' | 'paused' | 'disabled' | 'idle';

export interface HealthBadge {
  kind: HealthKind;
  label: string;
  /** Why, in a sentence: rate and failures in a row, the pause's cause, the disabling reason. */
  detail: string;
}

const pctText = (rate: number) => `${Math.round(rate * 1000) / 10} %`;
const inARow = (n: number) => `${n} failed in a row`;

/** The reason a webhook was disabled, said once: "Disabled by an admin" is not prefixed with "Disabled:" again. */
export function disabledText(reason: string | null): string {
  if (!reason) return 'Disabled';
  return /^disabled\b/i.test(reason) ? reason : `Disabled: ${reason}`;
}

export function healthOf(w: Webhook, now = Date.now()): HealthBadge {
  const h = w.health;
  const rate = h && h.total > 0 && h.successRate !== null ? h.successRate : null;
  if (!w.enabled) return { kind: 'disabled', label: 'Disabled', detail: disabledText(w.disabledReason) };
  if (w.pausedUntil) {
    const probe = new Date(w.pausedUntil).getTime();
    const next = probe > now ? `next probe at ${new Date(probe).toLocaleTimeString()}` : 'a probe delivery is due now';
    const why = w.consecutiveFailures > 0 ? `${inARow(w.consecutiveFailures)}` : 'its receiver kept failing (time-outs, connection errors, 429 or 5xx answers)';
    return { kind: 'paused', label: 'Paused', detail: `The breaker paused it: ${why}; ${next}.` };
  }
  if (w.consecutiveFailures > 0 || (rate !== null && rate < FAILING_BELOW)) {
    const last = w.consecutiveFailures > 0 ? inARow(w.consecutiveFailures) : h?.lastStatus === 'failed' ? 'the last one failed' : 'the last one went through';
    const parts = [rate === null ? null : `${pctText(rate)} delivered in 24 h`, last];
    return { kind: 'failing', label: 'Failing', detail: parts.filter(Boolean).join(', ') };
  }
  if (!h || h.total === 0) return { kind: 'idle', label: 'Healthy', detail: 'Nothing sent in the last 24 h' };
  return { kind: 'healthy', label: 'Healthy', detail: `${pctText(rate ?? 1)} delivered in 24 h` };
}

/** A delivery waiting while its webhook is paused or disabled: its "next attempt" time does not hold. */
export function heldBy(d: Pick<Delivery, 'status'>, w: Pick<Webhook, 'enabled' | 'pausedUntil'>): 'paused' | 'disabled' | null {
  if (d.status !== 'pending' && d.status !== 'retrying') return null;
  if (!w.enabled) return 'disabled';
  if (w.pausedUntil) return 'paused';
  return null;
}

/** A failure said once: "HTTP 500", not "HTTP 500 (HTTP 500)". */
export function failureText(error: string | null, statusCode: number | null): string {
  const code = statusCode === null ? '' : `HTTP ${statusCode}`;
  if (!error) return code || 'no answer';
  return code && !error.includes(String(statusCode)) ? `${error} (${code})` : error;
}
