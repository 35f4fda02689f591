import type { WebhookHttpResult } from './webhook-http.sender.js';

export type WebhookAttemptDecision =
  | { status: 'success' }
  | { status: 'retrying'; delayMs: number; error: string }
  | { status: 'failed'; error: string; disableReason?: string };

export interface WebhookAttemptContext {
  /** This attempt's number, 1 for the first try. */
  attempt: number;
  isTest: boolean;
  retryDelaysMs: readonly number[];
  /** A number in [0, 1) for the jitter; Math.random by default. */
  random?: () => number;
}

/** How much later than scheduled a retry may run, so failed bursts do not return in lockstep. */
const JITTER = 0.1;

/** What a response means, in words for the delivery log. */
export function describeOutcome(result: WebhookHttpResult): string | null {
  if (result.error) return result.error;
  const code = result.statusCode ?? 0;
  if (code >= 200 && code < 300) return null;
  if (code >= 300 && code < 400) return `HTTP ${code}: redirects are not followed; point the webhook at the final URL`;
  return `HTTP ${code}`;
}

/** The one place that decides: success, retry later, give up, or disable the endpoint. */
export function decideAttempt(result: WebhookHttpResult, ctx: WebhookAttemptContext): WebhookAttemptDecision {
  const error = describeOutcome(result);
  if (error === null) return { status: 'success' };
  if (result.statusCode === 410) {
    return { status: 'failed', error, disableReason: 'The endpoint answered 410 Gone' };
  }
  if (ctx.isTest || ctx.attempt > ctx.retryDelaysMs.length) return { status: 'failed', error };
  const base = ctx.retryDelaysMs[ctx.attempt - 1];
  const delayMs = Math.round(base * (1 + JITTER * (ctx.random ?? Math.random)()));
  return { status: 'retrying', delayMs, error };
}
