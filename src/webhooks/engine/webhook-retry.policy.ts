import type { WebhookHttpResult } from '../webhooks.types.js';

export type WebhookAttemptDecision = (
  | { status: 'success' }
  | { status: 'retrying'; delayMs: number; error: string }
  | { status: 'failed'; error: string; disableReason?: string }
) & {
  /**
   * What the breaker counts: a time-out, a connection, DNS or TLS error, 429, 502, 503 or 504
   * says the receiver is unreachable or overloaded now, not that this delivery is wrong.
   */
  transient: boolean;
  /** A 429's or 503's `Retry-After`, in ms: a pause lasts at least this long. */
  retryAfterMs?: number;
};

export interface WebhookAttemptContext {
  /** This attempt's number, 1 for the first try. */
  attempt: number;
  isTest: boolean;
  retryDelaysMs: readonly number[];
  /** A number in [0, 1) for the jitter; Math.random by default. */
  random?: () => number;
  /** The clock, for an HTTP-date `Retry-After`; Date.now by default. */
  now?: number;
}

/** How much later than scheduled a retry may run, so failed bursts do not return in lockstep. */
const JITTER = 0.1;

/** Statuses whose `Retry-After` header replaces the schedule. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/** Statuses that say "not now" rather than "no": they count toward the breaker. */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);

/** Whether an attempt's outcome counts toward pausing its webhook. */
export function isTransient(result: WebhookHttpResult): boolean {
  if (result.statusCode === null) return result.error !== null && result.transient !== false;
  return TRANSIENT_STATUSES.has(result.statusCode);
}

/** The whole retry schedule: once this much has passed since a delivery's first try, it ends. */
export function scheduleSpanMs(retryDelaysMs: readonly number[]): number {
  return retryDelaysMs.reduce((sum, d) => sum + d, 0);
}

/**
 * A delivery held back by its paused webhook still ends: once the whole retry schedule
 * has passed since `sinceMs`, it fails with this error (and counts toward `autoDisableAfter`).
 * Undefined while it may wait on.
 */
export function giveUpWhilePaused(sinceMs: number, pausedUntil: Date | undefined, retryDelaysMs: readonly number[], now = Date.now()): string | undefined {
  const span = scheduleSpanMs(retryDelaysMs);
  if (now - sinceMs < span) return undefined;
  const seconds = Math.round(span / 1000);
  return (
    `Gave up after ${seconds} s (the whole retry schedule): the endpoint was unreachable, and its webhook stayed paused by the breaker` +
    (pausedUntil ? ` (next probe at ${pausedUntil.toISOString()})` : '') +
    '. Redeliver it once the receiver answers.'
  );
}

/** How the error of a delivery ended unsent by its webhook's disabling begins. */
export const NOT_SENT_WHILE_DISABLED = 'Not sent: the webhook is disabled';

/** The error of a delivery that was not sent because its webhook is disabled. */
export function notSentWhileDisabled(reason?: string | null): string {
  return (
    `${NOT_SENT_WHILE_DISABLED}${reason ? ` (${reason.replace(/\.$/, '')})` : ''}. ` +
    'Re-enable it with PATCH {"enabled": true}, then redeliver this delivery.'
  );
}

/** The reason given when a `410 Gone` disables an endpoint. */
export const GONE_REASON = 'The endpoint answered 410 Gone';

/**
 * A `Retry-After` value in milliseconds from `now`: delay-seconds or an HTTP date.
 * Undefined when absent or unreadable; 0 for a date in the past.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  const raw = value?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Math.min(Number(raw), 2 ** 31 / 1000) * 1000;
  // An HTTP date always names a weekday or a month; this keeps "1.5" or "-3" from parsing as a date.
  if (!/[a-z]{3}/i.test(raw)) return undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What a response means, in words for the delivery log. */
export function describeOutcome(result: WebhookHttpResult): string | null {
  if (result.error) return result.error;
  const code = result.statusCode ?? 0;
  if (code >= 200 && code < 300) return null;
  if (code >= 300 && code < 400) return `HTTP ${code}: redirects are not followed; point the webhook at the final URL`;
  if (code === 410) return 'HTTP 410 Gone: the receiver says this endpoint no longer exists';
  return `HTTP ${code}`;
}

/**
 * The one place that decides: success, retry later, give up, or disable the endpoint.
 *
 * The delay before retry n is `retryDelaysMs[n - 1]` plus up to 10 % jitter. A 429 or 503
 * with `Retry-After` waits that long instead, capped at the delay after the next one
 * (so a receiver can slow us down, but not park a delivery for days).
 */
export function decideAttempt(result: WebhookHttpResult, ctx: WebhookAttemptContext): WebhookAttemptDecision {
  const error = describeOutcome(result);
  if (error === null) return { status: 'success', transient: false };
  const transient = isTransient(result);
  if (result.statusCode === 410) return { status: 'failed', error, disableReason: GONE_REASON, transient };
  const retryAfter = RETRY_AFTER_STATUSES.has(result.statusCode ?? 0)
    ? parseRetryAfter(result.responseHeaders['retry-after'], ctx.now ?? Date.now())
    : undefined;
  const pause = retryAfter === undefined ? {} : { retryAfterMs: retryAfter };
  if (ctx.isTest || ctx.attempt > ctx.retryDelaysMs.length) return { status: 'failed', error, transient, ...pause };

  const delays = ctx.retryDelaysMs;
  let base = delays[ctx.attempt - 1];
  let reason = error;
  if (retryAfter !== undefined) {
    const cap = Math.max(base, delays[ctx.attempt] ?? base);
    base = Math.min(retryAfter, cap);
    reason = `${error} (Retry-After: ${result.responseHeaders['retry-after']}; retrying in ${Math.round(base / 1000)} s)`;
  }
  const delayMs = Math.round(base * (1 + JITTER * (ctx.random ?? Math.random)()));
  return { status: 'retrying', delayMs, error: reason, transient, ...pause };
}
