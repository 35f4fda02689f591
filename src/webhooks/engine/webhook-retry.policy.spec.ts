import { describe, expect, it } from '@jest/globals';
import type { WebhookHttpResult } from '../webhooks.types.js';
import { GONE_REASON, decideAttempt, describeOutcome, giveUpWhilePaused, isTransient, parseRetryAfter, scheduleSpanMs } from './webhook-retry.policy.js';

const DELAYS = [1_000, 5_000, 20_000];

function answer(statusCode: number | null, headers: Record<string, string> = {}, error: string | null = null): WebhookHttpResult {
  return { statusCode, durationMs: 5, responseBody: statusCode === null ? null : '', responseHeaders: headers, error };
}

const ctx = (attempt: number, extra: Partial<Parameters<typeof decideAttempt>[1]> = {}) => ({
  attempt,
  isTest: false,
  retryDelaysMs: DELAYS,
  random: () => 0,
  now: Date.parse('2025-01-15T10:00:00.000Z'),
  ...extra,
});

describe('decideAttempt', () => {
  it('takes every 2xx as success', () => {
    for (const code of [200, 201, 202, 204, 299]) expect(decideAttempt(answer(code), ctx(1))).toEqual({ status: 'success', transient: false });
  });

  it('retries after each delay of the schedule in turn, then gives up', () => {
    expect(decideAttempt(answer(500), ctx(1))).toEqual({ status: 'retrying', delayMs: 1_000, error: 'HTTP 500', transient: false });
    expect(decideAttempt(answer(500), ctx(2))).toMatchObject({ status: 'retrying', delayMs: 5_000 });
    expect(decideAttempt(answer(500), ctx(3))).toMatchObject({ status: 'retrying', delayMs: 20_000 });
    expect(decideAttempt(answer(500), ctx(4))).toEqual({ status: 'failed', error: 'HTTP 500', transient: false });
    expect(decideAttempt(answer(500), ctx(1, { retryDelaysMs: [] }))).toEqual({ status: 'failed', error: 'HTTP 500', transient: false });
  });

  it('adds up to 10 % jitter, never less than the schedule', () => {
    const delays = [0, 0.5, 0.999].map((r) => (decideAttempt(answer(502), ctx(2, { random: () => r })) as { delayMs: number }).delayMs);
    expect(delays).toEqual([5_000, 5_250, 5_500]);
    const spread = new Set(Array.from({ length: 50 }, () => (decideAttempt(answer(502), ctx(2, { random: undefined })) as { delayMs: number }).delayMs));
    expect(spread.size).toBeGreaterThan(1);
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(5_000);
    expect(Math.max(...spread)).toBeLessThanOrEqual(5_500);
  });

  it('disables at once on 410, without retrying', () => {
    expect(decideAttempt(answer(410), ctx(1))).toEqual({
      status: 'failed',
      error: 'HTTP 410 Gone: the receiver says this endpoint no longer exists',
      disableReason: GONE_REASON,
      transient: false,
    });
  });

  it('fails a 3xx as a redirect that is not followed, and retries it', () => {
    const decision = decideAttempt(answer(302, { location: 'https://elsewhere.example/' }), ctx(1));
    expect(decision).toMatchObject({ status: 'retrying', delayMs: 1_000 });
    expect((decision as { error: string }).error).toBe('HTTP 302: redirects are not followed; point the webhook at the final URL');
  });

  it('retries a network failure with its own error text', () => {
    expect(decideAttempt(answer(null, {}, 'Timed out after 300 ms (waiting for the response)'), ctx(1))).toEqual({
      status: 'retrying',
      delayMs: 1_000,
      error: 'Timed out after 300 ms (waiting for the response)',
      transient: true,
    });
  });

  it('never retries a test delivery', () => {
    expect(decideAttempt(answer(500), ctx(1, { isTest: true }))).toEqual({ status: 'failed', error: 'HTTP 500', transient: false });
  });

  it('waits Retry-After seconds on 429 and 503 instead of the schedule', () => {
    expect(decideAttempt(answer(429, { 'retry-after': '3' }), ctx(1))).toEqual({
      status: 'retrying',
      delayMs: 3_000,
      error: 'HTTP 429 (Retry-After: 3; retrying in 3 s)',
      transient: true,
      retryAfterMs: 3_000,
    });
    expect(decideAttempt(answer(503, { 'retry-after': '0' }), ctx(2))).toMatchObject({ delayMs: 0 });
    // Shorter than the schedule is honoured too: the receiver knows when it is back.
    expect(decideAttempt(answer(503, { 'retry-after': '2' }), ctx(3))).toMatchObject({ delayMs: 2_000 });
  });

  it('reads an HTTP-date Retry-After', () => {
    expect(decideAttempt(answer(503, { 'retry-after': 'Wed, 15 Jan 2025 10:00:04 GMT' }), ctx(1))).toMatchObject({ delayMs: 4_000 });
    expect(decideAttempt(answer(503, { 'retry-after': 'Wed, 15 Jan 2025 09:00:00 GMT' }), ctx(1))).toMatchObject({ delayMs: 0 });
  });

  it('caps Retry-After at the next-but-one delay (the last one on the last retry)', () => {
    expect(decideAttempt(answer(429, { 'retry-after': '86400' }), ctx(1))).toMatchObject({ delayMs: 5_000 });
    expect(decideAttempt(answer(429, { 'retry-after': '86400' }), ctx(2))).toMatchObject({ delayMs: 20_000 });
    expect(decideAttempt(answer(429, { 'retry-after': '86400' }), ctx(3))).toMatchObject({ delayMs: 20_000 });
    expect(decideAttempt(answer(429, { 'retry-after': '86400' }), ctx(4))).toMatchObject({ status: 'failed' });
  });

  it('ignores Retry-After on other statuses and when unreadable', () => {
    expect(decideAttempt(answer(500, { 'retry-after': '3' }), ctx(1))).toMatchObject({ delayMs: 1_000, error: 'HTTP 500' });
    expect(decideAttempt(answer(429, { 'retry-after': 'soon' }), ctx(1))).toMatchObject({ delayMs: 1_000, error: 'HTTP 429' });
    expect(decideAttempt(answer(429), ctx(1))).toMatchObject({ delayMs: 1_000 });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-15T10:00:00.000Z');
  it('reads delay-seconds and the three HTTP date forms', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', now)).toBe(7_000);
    expect(parseRetryAfter('Wed, 15 Jan 2025 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wednesday, 15-Jan-25 10:01:00 GMT', now)).toBe(60_000);
    // asctime has no zone; it is read as local time, so only its shape is checked here.
    expect(parseRetryAfter('Wed Jan 15 10:01:00 2025', now)).toEqual(expect.any(Number));
  });

  it('rejects what is neither', () => {
    for (const v of [undefined, '', '-3', '1.5', 'soon', 'Fooday']) expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});

describe('describeOutcome', () => {
  it('says nothing for a 2xx and names anything else', () => {
    expect(describeOutcome(answer(204))).toBeNull();
    expect(describeOutcome(answer(404))).toBe('HTTP 404');
    expect(describeOutcome(answer(null, {}, 'Connection refused'))).toBe('Connection refused');
  });
});

describe('what the breaker counts', () => {
  it('counts time-outs, connection and TLS errors, 429, 502, 503 and 504 as transient', () => {
    for (const code of [429, 502, 503, 504]) expect(isTransient(answer(code))).toBe(true);
    expect(isTransient(answer(null, {}, 'Timed out after 300 ms (waiting for the response)'))).toBe(true);
    expect(isTransient(answer(null, {}, 'Connection refused by 127.0.0.1:9: nothing accepts connections there'))).toBe(true);
  });

  it('does not count answers that say "no", successes, or an address refused here', () => {
    for (const code of [200, 204, 302, 400, 401, 404, 410, 500, 501]) expect(isTransient(answer(code))).toBe(false);
    expect(isTransient({ ...answer(null, {}, 'Webhook URL resolves to a private address'), transient: false })).toBe(false);
  });
});

describe('giving up while paused', () => {
  const now = Date.parse('2025-01-15T12:00:00.000Z');

  it('waits on until the whole schedule has passed since the first try', () => {
    expect(scheduleSpanMs(DELAYS)).toBe(26_000);
    expect(giveUpWhilePaused(now - 25_999, undefined, DELAYS, now)).toBeUndefined();
  });

  it('then ends the delivery with an error that says the endpoint was unreachable', () => {
    const error = giveUpWhilePaused(now - 26_000, new Date(now + 5_000), DELAYS, now);
    expect(error).toContain('Gave up after 26 s');
    expect(error).toContain('the endpoint was unreachable');
    expect(error).toContain('2025-01-15T12:00:05.000Z');
  });
});
