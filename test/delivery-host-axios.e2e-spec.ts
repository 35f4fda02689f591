import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import axios from 'axios';
import { WebhookEvent } from '../src/webhooks/index.js';
import { header } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

// A host that calls its own APIs with axios often sets a token on axios' global instance.
// None of that may reach a webhook receiver.
describe("the host's own axios settings", () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let interceptor: number;

  beforeAll(async () => {
    axios.defaults.headers.common.Authorization = 'Bearer host-internal-token';
    axios.defaults.headers.post['X-Host-Default'] = 'for-the-host-only';
    interceptor = axios.interceptors.request.use((config) => {
      config.headers.set('X-Host-Interceptor', 'for-the-host-only');
      return config;
    });
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost();
    await host.http.post(host.admin).send({ name: 'crm', url: receiver.url('/crm'), secret: 'host-axios-test-signing-secret-0123456789', events: ['contact.banned'] }).expect(201);
  });

  afterAll(async () => {
    axios.interceptors.request.eject(interceptor);
    delete axios.defaults.headers.common.Authorization;
    delete axios.defaults.headers.post['X-Host-Default'];
    await host?.close();
    await receiver?.close();
  });

  it('are never sent to a receiver: its request carries only the webhook headers', async () => {
    await host.emitter.emitAsync(WebhookEvent.ContactBanned, { id: 'c-1', name: 'Spammer', createdAt: new Date() });
    const [request] = await receiver.waitFor(1, { path: '/crm' });
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['x-host-default']).toBeUndefined();
    expect(request.headers['x-host-interceptor']).toBeUndefined();
    expect(Object.keys(request.headers).sort()).toEqual([
      'accept', 'connection', 'content-length', 'content-type', 'host', 'user-agent',
      'webhook-id', 'webhook-signature', 'webhook-timestamp',
      'x-webhook-attempt', 'x-webhook-event', 'x-webhook-id', 'x-webhook-signature', 'x-webhook-timestamp',
    ]);
    expect(header(request, 'content-type')).toBe('application/json');
  });
});
