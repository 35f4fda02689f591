import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { WebhookEvent } from '../src/webhooks/index.js';
import { header } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

describe('tracing with an OpenTelemetry SDK registered by the host', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let webhookId: string;
  let refused = 0;

  beforeAll(async () => {
    // What a host's SDK set-up does: a context manager and a global tracer provider.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    receiver = await HttpsReceiver.start((_req, res) => {
      // The first attempt fails, so a retry shows as a second attempt span.
      if (refused++ === 0) res.writeHead(503).end('busy');
      else res.writeHead(200).end('ok');
    });
    host = await bootWebhooksHost({ options: { retryDelaysMs: [50] } });
    webhookId = (await host.http.post(host.admin).send({ name: 'CRM', url: receiver.url('/hook'), events: ['*'] }).expect(201)).body.id;
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
    await provider.shutdown();
    context.disable();
    trace.disable();
  });

  const spanId = (s: ReadableSpan) => s.spanContext().spanId;
  const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

  it("makes publish and every attempt spans of the chat request's trace, and sends each attempt's traceparent", async () => {
    const tracer = trace.getTracer('chat-app');
    let chatSpan!: ReadableSpan;
    const [deliveryId] = await tracer.startActiveSpan('POST /conversations', async (span) => {
      try {
        return await host.publisher.publish(WebhookEvent.ConversationStarted, { id: 1, visitorName: 'Ada', status: 'open', createdAt: new Date() });
      } finally {
        span.end();
        chatSpan = span as unknown as ReadableSpan;
      }
    });
    const requests = await receiver.waitFor(2);
    const attempts = await eventually(() => {
      const found = exporter.getFinishedSpans().filter((s) => s.name === 'webhook attempt conversation.started');
      return found.length === 2 ? found.sort((a, b) => Number(a.attributes['webhook.attempt']) - Number(b.attributes['webhook.attempt'])) : undefined;
    }, 10_000, 'two attempt spans');
    const publish = exporter.getFinishedSpans().find((s) => s.name === 'webhook publish conversation.started');

    const traceId = chatSpan.spanContext().traceId;
    expect(publish).toBeDefined();
    expect(publish!.spanContext().traceId).toBe(traceId);
    expect(parentOf(publish!)).toBe(spanId(chatSpan));
    expect(publish!.kind).toBe(SpanKind.PRODUCER);
    expect(publish!.attributes).toMatchObject({ 'webhook.event': 'conversation.started', 'webhook.deliveries': 1 });

    for (const [i, span] of attempts.entries()) {
      expect(span.spanContext().traceId).toBe(traceId);
      expect(parentOf(span)).toBe(spanId(publish!));
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toMatchObject({
        'webhook.id': webhookId,
        'webhook.event': 'conversation.started',
        'webhook.delivery_id': deliveryId,
        'webhook.attempt': i + 1,
        'http.response.status_code': i === 0 ? 503 : 200,
      });
      // The receiver got the traceparent of this very attempt's span.
      expect(header(requests[i], 'traceparent')).toBe(`00-${traceId}-${spanId(span)}-01`);
      expect(header(requests[i], 'x-webhook-attempt')).toBe(String(i + 1));
    }
    expect(attempts[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[1].status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('traces a test delivery as an attempt of its own trace', async () => {
    exporter.reset();
    const res = await host.http.post(`${host.admin}/${webhookId}/test`).send({}).expect(200);
    expect(res.body.success).toBe(true);
    const span = exporter.getFinishedSpans().find((s) => s.attributes['webhook.delivery_id'] === res.body.deliveryId);
    expect(span?.attributes).toMatchObject({ 'webhook.test': true, 'webhook.attempt': 1, 'http.response.status_code': 200 });
    const last = receiver.requests[receiver.requests.length - 1];
    expect(header(last, 'traceparent')).toBe(`00-${span!.spanContext().traceId}-${spanId(span!)}-01`);
  });
});
