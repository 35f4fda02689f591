import { Logger } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';

type PromClient = typeof import('prom-client');

/** What the gauges read on each scrape: one source per running module instance. */
export interface WebhookGaugeSource {
  waiting(): Promise<number>;
  oldestDueSeconds(): Promise<number>;
  endpoints(): Promise<{ enabled: number; paused: number; disabled: number }>;
}

const sources = new Set<WebhookGaugeSource>();
const logger = new Logger('WebhooksModule');

async function sum<T>(read: (s: WebhookGaugeSource) => Promise<T>, add: (a: T, b: T) => T, zero: T): Promise<T> {
  let total = zero;
  for (const source of sources) {
    try {
      total = add(total, await read(source));
    } catch (err) {
      logger.warn(`A webhook gauge could not be read for /metrics: ${(err as Error).message}`);
    }
  }
  return total;
}

/** prom-client, when the host has it installed; null when not. */
async function loadPromClient(): Promise<PromClient | null> {
  try {
    const mod = (await import('prom-client')) as PromClient & { default?: PromClient };
    return mod.default ?? mod;
  } catch {
    return null;
  }
}

/**
 * The module's Prometheus metrics, in prom-client's default registry so a host's
 * `/metrics` shows them. Registered once per process whatever the number of module
 * instances; the gauges add up what every running instance reads from its
 * database when scraped.
 */
export class WebhookMetrics {
  private constructor(
    readonly attempts: Counter<'event' | 'outcome'>,
    readonly deliveries: Counter<'event' | 'status'>,
    readonly attemptDuration: Histogram<string>,
  ) {}

  static async create(source: WebhookGaugeSource): Promise<WebhookMetrics | null> {
    const prom = await loadPromClient();
    if (!prom) return null;
    const { register } = prom;
    const existing = <T>(name: string) => register.getSingleMetric(name) as T | undefined;
    const attempts =
      existing<Counter<'event' | 'outcome'>>('webhook_attempts_total') ??
      new prom.Counter({ name: 'webhook_attempts_total', help: 'HTTP attempts of webhook deliveries, by event and outcome (success or failure).', labelNames: ['event', 'outcome'] });
    const deliveries =
      existing<Counter<'event' | 'status'>>('webhook_deliveries_total') ??
      new prom.Counter({ name: 'webhook_deliveries_total', help: 'Webhook deliveries that ended, by event and status (success or failed).', labelNames: ['event', 'status'] });
    const attemptDuration =
      existing<Histogram<string>>('webhook_attempt_duration_seconds') ??
      new prom.Histogram({
        name: 'webhook_attempt_duration_seconds',
        help: 'Duration of one HTTP attempt of a webhook delivery, connect to last byte.',
        buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      });
    if (!existing('webhook_deliveries_waiting')) {
      new prom.Gauge({
        name: 'webhook_deliveries_waiting',
        help: 'Webhook deliveries due or scheduled that have not ended (pending or retrying).',
        async collect() {
          this.set(await sum((s) => s.waiting(), (a, b) => a + b, 0));
        },
      });
    }
    if (!existing('webhook_oldest_due_seconds')) {
      new prom.Gauge({
        name: 'webhook_oldest_due_seconds',
        help: 'How late the most overdue waiting webhook delivery is, in seconds (0 when none is late).',
        async collect() {
          this.set(await sum((s) => s.oldestDueSeconds(), (a, b) => Math.max(a, b), 0));
        },
      });
    }
    if (!existing('webhook_endpoints')) {
      new prom.Gauge({
        name: 'webhook_endpoints',
        help: 'Webhooks by state: enabled, paused (by the breaker) or disabled.',
        labelNames: ['state'],
        async collect() {
          const zero = { enabled: 0, paused: 0, disabled: 0 };
          const states = await sum((s) => s.endpoints(), (a, b) => ({ enabled: a.enabled + b.enabled, paused: a.paused + b.paused, disabled: a.disabled + b.disabled }), zero);
          for (const [state, n] of Object.entries(states)) this.set({ state }, n);
        },
      });
    }
    sources.add(source);
    return new WebhookMetrics(attempts, deliveries, attemptDuration);
  }

  /** Stops reading this instance's database on scrape (the module is closing). */
  static release(source: WebhookGaugeSource): void {
    sources.delete(source);
  }
}
