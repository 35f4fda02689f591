import { describe, expect, it } from '@jest/globals';
import type { WebhookHttpResult } from './webhook-http.sender.js';
import { GONE_REASON, decideAttempt, describeOutcome, parseRetryAfter } from './webhook-retry.policy.js';

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
    for (const code of [200, 201, 202, 204, 299]) expect(decideAttempt(answer(code), ctx(1))).toEqual({ status: 'success' });
  });

  it('retries after each delay of the schedule in turn, then gives up', () => {
    expect(decideAttempt(answer(500), ctx(1))).toEqual({ status: 'retrying', delayMs: 1_000, error: 'HTTP 500' });
    expect(decideAttempt(answer(500), ctx(2))).toMatchObject({ status: 'retrying', delayMs: 5_000 });
    expect(decideAttempt(answer(500), ctx(3))).toMatchObject({ status: 'retrying', delayMs: 20_000 });
    expect(decideAttempt(answer(500), ctx(4))).toEqual({ status: 'failed', error: 'HTTP 500' });
    expect(decideAttempt(answer(500), ctx(1, { retryDelaysMs: [] }))).toEqual({ status: 'failed', error: 'HTTP 500' });
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
    });
  });

  it('never retries a test delivery', () => {
    expect(decideAttempt(answer(500), ctx(1, { isTest: true }))).toEqual({ status: 'failed', error: 'HTTP 500' });
  });

  it('waits Retry-After seconds on 429 and 503 instead of the schedule', () => {
    expect(decideAttempt(answer(429, { 'retry-after': '3' }), ctx(1))).toEqual({
      status: 'retrying',
      delayMs: 3_000,
      error: 'HTTP 429 (Retry-After: 3; retrying in 3 s)',
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
