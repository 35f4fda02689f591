import { describe, expect, it } from '@jest/globals';
import { WebhookTestTransport } from './webhook-test.transport.js';

const request = (n: number) => ({
  url: 'https://example.com/hooks',
  headers: { 'X-Webhook-Event': 'message.received', 'Content-Type': 'application/json' },
  body: JSON.stringify({ event: 'message.received', data: { n } }),
});

describe('WebhookTestTransport', () => {
  it('records each request with lower-case headers, the raw body and its JSON, and answers 200', async () => {
    const transport = new WebhookTestTransport();
    const result = await transport.send(request(1));
    expect(result).toMatchObject({ statusCode: 200, responseBody: '', error: null });
    expect(transport.sent).toEqual([
      {
        url: 'https://example.com/hooks',
        headers: { 'x-webhook-event': 'message.received', 'content-type': 'application/json' },
        body: '{"event":"message.received","data":{"n":1}}',
        json: { event: 'message.received', data: { n: 1 } },
      },
    ]);
  });

  it('answers what respondWith says, and turns a throwing responder into a failed request', async () => {
    const transport = new WebhookTestTransport();
    expect((await transport.respondWith(410).send(request(1))).statusCode).toBe(410);
    transport.respondWith({ status: 429, headers: { 'Retry-After': '7' }, body: 'slow down' });
    expect(await transport.send(request(2))).toMatchObject({ statusCode: 429, responseBody: 'slow down', responseHeaders: { 'retry-after': '7' } });
    transport.respondWith(async (r) => (r.json.data.n === 3 ? { error: 'refused' } : 204));
    expect(await transport.send(request(3))).toMatchObject({ statusCode: null, responseBody: null, error: 'refused' });
    expect((await transport.send(request(4))).statusCode).toBe(204);
    transport.respondWith(() => {
      throw new Error('boom');
    });
    expect((await transport.send(request(5))).error).toMatch(/responder threw: boom/);
  });

  it('waitFor resolves once enough came, at once when they already did; clear() starts over', async () => {
    const transport = new WebhookTestTransport();
    const waiting = transport.waitFor(2, { timeoutMs: 1_000 });
    await transport.send(request(1));
    await transport.send(request(2));
    await transport.send(request(3));
    expect((await waiting).map((r) => r.json.data.n)).toEqual([1, 2]);
    expect(await transport.waitFor(3)).toHaveLength(3);
    transport.clear();
    expect(transport.sent).toEqual([]);
    await expect(transport.waitFor(1, { timeoutMs: 20 })).rejects.toThrow('waited 20 ms for 1 webhook request(s), 0 came');
  });
});
