import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WEBHOOK_DISABLED_EVENT, WebhookEvent } from '../src/webhooks/index.js';
import type { WebhookDisabledEvent } from '../src/webhooks/index.js';
import { header, sleep } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const contact = (id: number) => ({ id, name: `Visitor ${id}`, createdAt: '2025-01-15T10:30:00.000Z' });

describe('a receiver that answers 410 Gone', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let webhookId: string;
  /** How the receiver answers each contact id; anything not listed gets 200. */
  const answers = new Map<number, number>();
  const disabledEvents: WebhookDisabledEvent[] = [];

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((req, res) => {
      const id = (req.body as { data: { contact_id: number } }).data.contact_id;
      res.writeHead(answers.get(id) ?? 200).end();
    });
    host = await bootWebhooksHost({ options: { retryDelaysMs: [2_000, 2_000] } });
    host.emitter.on(WEBHOOK_DISABLED_EVENT, (event: WebhookDisabledEvent) => void disabledEvents.push(event));
    const created = await host.http
      .post(host.admin)
      .send({ name: 'Old CRM', url: receiver.url('/gone'), events: ['contact.created'] })
      .expect(201);
    webhookId = created.body.id;
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  const delivery = async (id: string) => (await host.http.get(`${host.admin}/${webhookId}/deliveries/${id}`).expect(200)).body;

  it('disables the endpoint at once, emits webhook.disabled, and ends what was waiting', async () => {
    // A delivery that failed once and waits 2 s for its retry...
    answers.set(1, 500);
    const [[waitingId]] = (await host.emitter.emitAsync(WebhookEvent.ContactCreated, contact(1))) as string[][];
    await eventually(async () => ((await delivery(waitingId)).status === 'retrying' ? true : undefined), 5_000, 'the first delivery to wait');

    // ...when another gets 410.
    answers.set(2, 410);
    const [[goneId]] = (await host.emitter.emitAsync(WebhookEvent.ContactCreated, contact(2))) as string[][];
    const webhook = await eventually(async () => {
      const w = (await host.http.get(`${host.admin}/${webhookId}`).expect(200)).body;
      return w.enabled === false ? w : undefined;
    }, 5_000, 'the webhook to be disabled');
    expect(webhook.disabledReason).toBe('The endpoint answered 410 Gone');
    expect(Math.abs(Date.parse(webhook.disabledAt) - Date.now())).toBeLessThan(10_000);
    expect(webhook.consecutiveFailures).toBe(0);

    expect(disabledEvents).toEqual([
      { webhook: { id: webhookId, name: 'Old CRM', url: receiver.url('/gone') }, reason: 'The endpoint answered 410 Gone' },
    ]);

    // No retry of the 410.
    const gone = await delivery(goneId);
    expect(gone).toMatchObject({ status: 'failed', attempts: 1, statusCode: 410, nextAttemptAt: null });
    expect(gone.error).toBe('HTTP 410 Gone: the receiver says this endpoint no longer exists');

    // The waiting one is failed now, with a reason, long before its retry was due.
    const waiting = await delivery(waitingId);
    expect(waiting).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
    expect(waiting.error).toBe(
      'Not sent: the webhook is disabled (The endpoint answered 410 Gone). Re-enable it with PATCH {"enabled": true}, then redeliver this delivery.',
    );
    await sleep(2_300);
    const sent = receiver.received('/gone').map((r) => header(r, 'x-webhook-id'));
    expect(sent).toEqual([waitingId, goneId]);
  });

  it('records nothing for a disabled endpoint, and does not send a redelivery', async () => {
    const [ids] = (await host.emitter.emitAsync(WebhookEvent.ContactCreated, contact(3))) as string[][];
    expect(ids).toEqual([]);
    const [waiting] = (await host.http.get(`${host.admin}/${webhookId}/deliveries?limit=50`).expect(200)).body.items.filter(
      (d: { attempts: number; statusCode: number }) => d.statusCode === 500,
    );
    await host.http.post(`${host.admin}/${webhookId}/deliveries/${waiting.id}/redeliver`).expect(202);
    const after = await eventually(async () => {
      const d = await delivery(waiting.id);
      return d.status === 'failed' ? d : undefined;
    }, 5_000, 'the redelivery to be refused');
    expect(after.error).toMatch(/^Not sent: the webhook is disabled/);
    expect(after.attempts).toBe(1);
    await sleep(300);
    expect(receiver.received('/gone')).toHaveLength(2);
  });

  it('PATCH {enabled: true} re-enables it: new events and redeliveries go out again', async () => {
    const res = await host.http.patch(`${host.admin}/${webhookId}`).send({ enabled: true }).expect(200);
    expect(res.body).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 });

    await host.emitter.emitAsync(WebhookEvent.ContactCreated, contact(4));
    const [fresh] = (await receiver.waitFor(3, { path: '/gone' })).slice(2);
    expect((fresh.body as { data: { contact_id: number } }).data.contact_id).toBe(4);
    expect(header(fresh, 'x-webhook-attempt')).toBe('1');

    // The delivery that was ended by the disable goes out on redelivery, as attempt 2.
    answers.delete(1);
    const waiting = (await host.http.get(`${host.admin}/${webhookId}/deliveries?limit=50`).expect(200)).body.items.find(
      (d: { statusCode: number }) => d.statusCode === 500,
    );
    await host.http.post(`${host.admin}/${webhookId}/deliveries/${waiting.id}/redeliver`).expect(202);
    const [again] = (await receiver.waitFor(4, { path: '/gone' })).slice(3);
    expect(header(again, 'x-webhook-id')).toBe(waiting.id);
    expect(header(again, 'x-webhook-attempt')).toBe('2');
    await eventually(async () => ((await delivery(waiting.id)).status === 'success' ? true : undefined), 5_000, 'the redelivery to succeed');
    expect(disabledEvents).toHaveLength(1);
  });
});
