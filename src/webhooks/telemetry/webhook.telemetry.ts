import { Injectable, Logger } from '@nestjs/common';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Span, Tracer } from '@opentelemetry/api';
import { WebhookStats } from '../stats/webhook.stats.js';
import { WEBHOOK_DELIVERED_EVENT, WEBHOOK_FAILED_EVENT } from '../webhooks.constants.js';
import { WEBHOOKS_PACKAGE } from '../webhooks.options.js';
import { formatTraceparent, parseTraceparent } from './webhook-trace.context.js';
import { WebhookMetrics } from './webhook.metrics.js';
import type { WebhookGaugeSource } from './webhook.metrics.js';
import type {
  WebhookAttemptStart,
  WebhookAttemptTelemetry,
  WebhookDeliveredEvent,
  WebhookDeliveryEnd,
  WebhookFailedEvent,
} from './webhook-telemetry.types.js';

type OtelApi = typeof import('@opentelemetry/api');

async function loadOtel(): Promise<OtelApi | null> {
  try {
    const mod = (await import('@opentelemetry/api')) as OtelApi & { default?: OtelApi };
    return mod.default && 'trace' in mod.default ? mod.default : mod;
  } catch {
    return null;
  }
}

/**
 * Everything the people who run the module see of a delivery, behind one small
 * API that the delivery path calls: tracing (`@opentelemetry/api`, when
 * installed), Prometheus metrics (`prom-client`, when installed) and the Nest
 * events `webhook.delivered` and `webhook.failed` for the host. Without either
 * optional package those parts do nothing; the events are always emitted.
 */
@Injectable()
export class WebhookTelemetry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('WebhooksModule');
  private otel: OtelApi | null = null;
  private tracer: Tracer | null = null;
  private metrics: WebhookMetrics | null = null;
  private readonly gauges: WebhookGaugeSource;

  constructor(
    private readonly events: EventEmitter2,
    stats: WebhookStats,
  ) {
    this.gauges = {
      waiting: async () => {
        const w = await stats.waiting();
        return w.pending + w.retrying;
      },
      oldestDueSeconds: async () => {
        const now = new Date();
        const due = await stats.oldestDueAt(now);
        return due ? Math.max(0, (now.getTime() - due.getTime()) / 1000) : 0;
      },
      endpoints: () => stats.endpointStates(),
    };
  }

  async onModuleInit(): Promise<void> {
    this.otel = await loadOtel();
    this.tracer = this.otel?.trace.getTracer(WEBHOOKS_PACKAGE.name, WEBHOOKS_PACKAGE.version) ?? null;
    this.metrics = await WebhookMetrics.create(this.gauges);
  }

  onModuleDestroy(): void {
    WebhookMetrics.release(this.gauges);
  }

  /**
   * Runs `fn` (the recording of one event's deliveries) in a `webhook publish` span,
   * a child of the host's active span. `fn` gets that span's `traceparent`, to store
   * with the deliveries so that their attempts join the same trace.
   */
  async publish<T>(event: string, fn: (traceparent: string | undefined) => Promise<T>): Promise<T> {
    const { otel, tracer } = this;
    if (!otel || !tracer) return fn(undefined);
    return tracer.startActiveSpan(
      `webhook publish ${event}`,
      { kind: otel.SpanKind.PRODUCER, attributes: { 'webhook.event': event } },
      async (span) => {
        try {
          const result = await fn(formatTraceparent(span.spanContext()));
          if (Array.isArray(result)) span.setAttribute('webhook.deliveries', result.length);
          return result;
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: otel.SpanStatusCode.ERROR, message: (err as Error).message });
          throw err;
        } finally {
          span.end();
        }
      },
    );
  }

  /**
   * Starts one HTTP attempt: its span (a child of the publish's, when its
   * `traceparent` is given) and the headers that carry it to the receiver.
   */
  startAttempt(start: WebhookAttemptStart): WebhookAttemptTelemetry {
    const span = this.startAttemptSpan(start);
    const headers: Record<string, string> = {};
    const traceparent = span ? formatTraceparent(span.spanContext()) : undefined;
    if (traceparent) {
      headers.traceparent = traceparent;
      const tracestate = span?.spanContext().traceState?.serialize();
      if (tracestate) headers.tracestate = tracestate;
    }
    let ended = false;
    return {
      headers,
      end: (result) => {
        if (ended) return;
        ended = true;
        if (span && this.otel) {
          if (result.statusCode !== null) span.setAttribute('http.response.status_code', result.statusCode);
          span.setAttribute('webhook.duration_ms', result.durationMs);
          if (!result.success) span.setStatus({ code: this.otel.SpanStatusCode.ERROR, message: result.error ?? 'failed' });
          span.end();
        }
        if (this.metrics && !start.isTest) {
          this.metrics.attempts.inc({ event: start.event, outcome: result.success ? 'success' : 'failure' });
          this.metrics.attemptDuration.observe(result.durationMs / 1000);
        }
      },
    };
  }

  /** A delivery ended: counts it, and tells the host (`webhook.delivered` or `webhook.failed`). */
  deliveryEnded(end: WebhookDeliveryEnd): void {
    if (end.isTest) return;
    this.metrics?.deliveries.inc({ event: end.event, status: end.status });
    const webhook = { id: end.webhook.id, name: end.webhook.name, url: end.webhook.url };
    try {
      if (end.status === 'success') {
        const delivered: WebhookDeliveredEvent = {
          webhook,
          deliveryId: end.deliveryId,
          event: end.event,
          attempt: end.attempts,
          statusCode: end.statusCode ?? 0,
          durationMs: end.durationMs ?? 0,
        };
        this.events.emit(WEBHOOK_DELIVERED_EVENT, delivered);
      } else {
        const failed: WebhookFailedEvent = {
          webhook,
          deliveryId: end.deliveryId,
          event: end.event,
          attempts: end.attempts,
          error: end.error ?? 'failed',
        };
        this.events.emit(WEBHOOK_FAILED_EVENT, failed);
      }
    } catch (err) {
      // A host listener that throws must not undo a delivery that is already recorded.
      this.logger.error(`A listener of the webhook delivery events threw: ${(err as Error).message}`);
    }
  }

  private startAttemptSpan(start: WebhookAttemptStart): Span | null {
    const { otel, tracer } = this;
    if (!otel || !tracer) return null;
    const parent = parseTraceparent(start.traceparent);
    const ctx = parent
      ? otel.trace.setSpanContext(otel.context.active(), { ...parent, isRemote: true })
      : otel.context.active();
    return tracer.startSpan(
      `webhook attempt ${start.event}`,
      {
        kind: otel.SpanKind.CLIENT,
        attributes: {
          'webhook.id': start.webhook.id,
          'webhook.event': start.event,
          'webhook.delivery_id': start.deliveryId,
          'webhook.attempt': start.attempt,
          ...(start.isTest ? { 'webhook.test': true } : {}),
        },
      },
      ctx,
    );
  }
}
