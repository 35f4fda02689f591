import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Agent, request } from 'undici';
import { WebhookEvent } from '../../src/webhooks/index.js';
import { HttpsReceiver } from '../support/https-receiver.js';
import { selfSignedCertificate } from '../support/tls.js';
import { bootWebhooksHost } from '../support/webhooks-host.js';
import type { WebhooksHost } from '../support/webhooks-host.js';

/**
 * `npm run bench`: end-to-end deliveries per second against raw HTTPS POSTs per
 * second to the same receiver, in one run, plus emit-to-receipt latency.
 * Figures are printed, never asserted: the machine's load decides them.
 */
const N = Number(process.env.BENCH_EVENTS ?? 2000);
const IN_FLIGHT = 50;

const conversation = {
  id: 1,
  visitorName: 'Ada Lovelace',
  visitorEmail: 'ada@example.com',
  visitorPhone: null,
  visitorIp: '203.0.113.7',
  currentUrl: 'https://shop.example.com/pricing',
  status: 'open',
  createdAt: new Date(),
};

let host: WebhooksHost;
let receiver: HttpsReceiver;

beforeAll(async () => {
  receiver = await HttpsReceiver.start();
  host = await bootWebhooksHost({ options: { concurrency: IN_FLIGHT } });
  await host.http.post(host.admin).send({ name: 'bench', url: receiver.url('/bench'), secret: 'bench-secret', events: ['*'] }).expect(201);
});

afterAll(async () => {
  await host?.close();
  await receiver?.close();
});

async function pool(count: number, inFlight: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

it(`delivers ${N} events: deliveries/s against raw POSTs/s`, async () => {
  const body = JSON.stringify({ event: 'conversation.started', timestamp: new Date().toISOString(), data: { conversation_id: 1 } });
  const agent = new Agent({ connections: IN_FLIGHT, connect: { ca: selfSignedCertificate().cert } });
  const rawStart = performance.now();
  await pool(N, IN_FLIGHT, async () => {
    const res = await request(receiver.url('/raw'), { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
    await res.body.text();
  });
  const rawSeconds = (performance.now() - rawStart) / 1000;
  await agent.close();

  const start = performance.now();
  await pool(N, IN_FLIGHT, (i) => host.emitter.emitAsync(WebhookEvent.ConversationStarted, { ...conversation, id: i }));
  const recorded = performance.now();
  await receiver.waitFor(N, { path: '/bench', timeoutMs: 300_000 });
  const seconds = (performance.now() - start) / 1000;

  const latencies: number[] = [];
  const before = receiver.received('/bench').length;
  for (let i = 0; i < 100; i++) {
    const t0 = Date.now();
    await host.emitter.emitAsync(WebhookEvent.ConversationStarted, { ...conversation, id: N + i });
    const [req] = (await receiver.waitFor(before + i + 1, { path: '/bench', timeoutMs: 30_000 })).slice(before + i);
    latencies.push(req.at - t0);
  }
  latencies.sort((a, b) => a - b);

  const rawRate = N / rawSeconds;
  const rate = N / seconds;
  const lines = [
    `events: ${N}, in flight: ${IN_FLIGHT}`,
    `raw HTTPS POSTs (undici, same receiver): ${rawRate.toFixed(0)}/s`,
    `recorded (emitAsync resolved, rows written + queued): ${(N / ((recorded - start) / 1000)).toFixed(0)}/s`,
    `delivered end to end (emit → signed POST received): ${rate.toFixed(0)}/s`,
    `ratio delivered / raw: ${(rate / rawRate).toFixed(3)}`,
    `emit → receipt latency, one at a time (ms): p50 ${percentile(latencies, 50)}, p95 ${percentile(latencies, 95)}, max ${latencies[latencies.length - 1]}`,
  ];
  console.log(lines.join('\n'));
  expect(receiver.received('/bench').length).toBeGreaterThanOrEqual(N + 100);
});
