import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { WebhookEvent, verifyWebhookSignature } from '../src/webhooks/index.js';
import { WebhookVerificationError } from '../src/webhooks/verify.js';
import type { ReceivedRequest } from './support/https-receiver.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { receiverAcceptsHexSignature, receiverAcceptsStandardSignature } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

const WHSEC = `whsec_${Buffer.from('a 24-byte key for tests!').toString('base64')}`;
const PLAIN = 'plain-text-secret-42';
const DAY_MS = 24 * 60 * 60 * 1000;

/** The Python receiver of the README's Security section, run with python3 on a recorded request. */
const README_PYTHON = (() => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```python\n([\s\S]*?def verify_webhook[\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```python block defining verify_webhook (Security section)');
  return block;
})();

const PYTHON_DRIVER = `
import base64, json, sys
req = json.load(sys.stdin)
body = base64.b64decode(req["body"])
print(json.dumps([verify_webhook(body, headers, secret) for headers, secret in req["cases"]]))
`;

/** Runs the README's `verify_webhook` over (headers, secret) cases of one request; one boolean each. */
function pythonVerifies(req: ReceivedRequest, cases: Array<[Record<string, unknown>, string]>): boolean[] {
  const out = execFileSync('python3', ['-c', `${README_PYTHON}\n${PYTHON_DRIVER}`], {
    input: JSON.stringify({ body: req.rawBody.toString('base64'), cases }),
    encoding: 'utf8',
    timeout: 10_000,
  });
  return JSON.parse(out) as boolean[];
}

/** The request's headers without the Standard Webhooks ones: what a hex-only receiver reads. */
function hexOnly(req: ReceivedRequest): Record<string, unknown> {
  const { 'webhook-id': _i, 'webhook-timestamp': _t, 'webhook-signature': _s, ...rest } = req.headers;
  return rest;
}

function standardWebhooksAccepts(req: ReceivedRequest, secret: string, raw = false): boolean {
  const webhook = raw ? new Webhook(secret, { format: 'raw' }) : new Webhook(secret);
  try {
    webhook.verify(req.rawBody.toString('utf8'), req.headers as Record<string, string>);
    return true;
  } catch (err) {
    if ((err as Error).name !== 'WebhookVerificationError') throw err;
    return false;
  }
}

function ourVerifierAccepts(req: ReceivedRequest | { rawBody: Buffer; headers: Record<string, unknown> }, secret: string): boolean {
  try {
    verifyWebhookSignature(req.rawBody, req.headers as Record<string, string>, secret);
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    return false;
  }
}

/** One entry of `webhook-signature`, alone, checked with one key. */
function entryVerifiesWith(req: ReceivedRequest, entry: string, secret: string): boolean {
  return receiverAcceptsStandardSignature({ ...req, headers: { ...req.headers, 'webhook-signature': entry } }, secret);
}

describe('signed deliveries verify with independent receivers', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost();
    await host.http.post(host.admin).send({ name: 'Std', url: receiver.url('/whsec'), secret: WHSEC, events: ['message.received'] }).expect(201);
    await host.http.post(host.admin).send({ name: 'Plain', url: receiver.url('/plain'), secret: PLAIN, events: ['message.received'] }).expect(201);
    await host.emitter.emitAsync(WebhookEvent.MessageReceived, {
      message: { id: 7, content: 'Grüße, "quoted" \u2028 and emoji 🎉', isFromAdmin: false, createdAt: new Date() },
      conversation: { id: 3, visitorName: 'Zoë', status: 'open', createdAt: new Date() },
    });
    await receiver.waitFor(1, { path: '/whsec' });
    await receiver.waitFor(1, { path: '/plain' });
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('a whsec_ secret: the standardwebhooks package, unchanged, accepts it; a wrong key does not', () => {
    const [req] = receiver.received('/whsec');
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(standardWebhooksAccepts(req, WHSEC)).toBe(true);
    expect(standardWebhooksAccepts(req, `whsec_${Buffer.from('another 24-byte test key').toString('base64')}`)).toBe(false);
  });

  it('a secret without whsec_: the standardwebhooks package accepts it as raw bytes', () => {
    const [req] = receiver.received('/plain');
    expect(standardWebhooksAccepts(req, PLAIN, true)).toBe(true);
    expect(standardWebhooksAccepts(req, 'plain-text-secret-43', true)).toBe(false);
  });

  it("the README's Python receiver (hmac.compare_digest) accepts both header styles with the right secret only", () => {
    const whsec = receiver.received('/whsec')[0];
    const plain = receiver.received('/plain')[0];
    expect(pythonVerifies(whsec, [[whsec.headers, WHSEC], [hexOnly(whsec), WHSEC], [whsec.headers, PLAIN], [hexOnly(whsec), PLAIN]])).toEqual([
      true, true, false, false,
    ]);
    expect(pythonVerifies(plain, [[plain.headers, PLAIN], [hexOnly(plain), PLAIN], [plain.headers, WHSEC]])).toEqual([true, true, false]);
    const tampered = { ...whsec, rawBody: Buffer.from(whsec.rawBody.toString('utf8').replace('Zoë', 'Zoe')) };
    expect(pythonVerifies(tampered, [[whsec.headers, WHSEC], [hexOnly(whsec), WHSEC]])).toEqual([false, false]);
  });

  it('verifyWebhookSignature accepts both header styles, and refuses a changed body or a wrong secret', () => {
    for (const [path, secret] of [['/whsec', WHSEC], ['/plain', PLAIN]] as const) {
      const [req] = receiver.received(path);
      expect(ourVerifierAccepts(req, secret)).toBe(true);
      expect(ourVerifierAccepts({ rawBody: req.rawBody, headers: hexOnly(req) }, secret)).toBe(true);
      expect(ourVerifierAccepts(req, `${secret}x`)).toBe(false);
      expect(ourVerifierAccepts({ rawBody: Buffer.concat([req.rawBody, Buffer.from(' ')]), headers: req.headers }, secret)).toBe(false);
    }
  });
});

describe('secret rotation', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let id: string;
  const ORIGINAL = 'the-original-secret';
  const secretsSeen: string[] = [ORIGINAL];

  async function sendTest(path: string): Promise<ReceivedRequest> {
    const before = receiver.received(path).length;
    const res = await host.http.post(`${host.admin}/${id}/test`).send({}).expect(200);
    expect(res.body.success).toBe(true);
    return (await receiver.waitFor(before + 1, { path }))[before];
  }

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost();
    const created = await host.http
      .post(host.admin)
      .send({ name: 'Rotating', url: receiver.url('/rot'), secret: ORIGINAL, events: ['*'] })
      .expect(201);
    id = created.body.id;
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('GET /:id/secret reveals the secret as typed; 404 for an unknown id', async () => {
    const revealed = await host.http.get(`${host.admin}/${id}/secret`).expect(200);
    expect(revealed.body).toEqual({ secret: ORIGINAL });
    expect(revealed.headers['cache-control']).toBe('no-store');
    const missing = await host.http.get(`${host.admin}/00000000-0000-4000-8000-000000000000/secret`).expect(404);
    expect(missing.body).toEqual({ statusCode: 404, message: 'Webhook not found', error: 'Not Found' });
  });

  it('POST /:id/secret/rotate answers 200 with a new whsec_ secret of 32 random bytes, which GET /:id/secret then shows', async () => {
    const res = await host.http.post(`${host.admin}/${id}/secret/rotate`).expect(200);
    expect(Object.keys(res.body)).toEqual(['secret']);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(res.body.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    secretsSeen.push(res.body.secret);
    expect((await host.http.get(`${host.admin}/${id}/secret`).expect(200)).body).toEqual({ secret: res.body.secret });
    const [row] = await host.dataSource.query('SELECT previousSecretExpiresAt FROM webhook_endpoints WHERE id = ?', [id]);
    expect(Math.abs(new Date(row.previousSecretExpiresAt).getTime() - (Date.now() + DAY_MS))).toBeLessThan(60_000);
    const view = (await host.http.get(`${host.admin}/${id}`).expect(200)).body;
    expect(view.hasSecret).toBe(true);
  });

  it('signs with both keys for 24 h: two entries, each verifying with its own key; X-Webhook-Signature uses the new one', async () => {
    const [, current] = secretsSeen;
    const req = await sendTest('/rot');
    const entries = String(req.headers['webhook-signature']).split(' ');
    expect(entries).toHaveLength(2);
    expect(entryVerifiesWith(req, entries[0], current)).toBe(true);
    expect(entryVerifiesWith(req, entries[0], ORIGINAL)).toBe(false);
    expect(entryVerifiesWith(req, entries[1], ORIGINAL)).toBe(true);
    expect(entryVerifiesWith(req, entries[1], current)).toBe(false);

    expect(standardWebhooksAccepts(req, current)).toBe(true);
    expect(standardWebhooksAccepts(req, ORIGINAL, true)).toBe(true);
    expect(ourVerifierAccepts(req, current)).toBe(true);
    expect(ourVerifierAccepts(req, ORIGINAL)).toBe(true);
    expect(pythonVerifies(req, [[req.headers, current], [req.headers, ORIGINAL]])).toEqual([true, true]);

    expect(receiverAcceptsHexSignature(req, current)).toBe(true);
    expect(receiverAcceptsHexSignature(req, ORIGINAL)).toBe(false);
    expect(pythonVerifies(req, [[hexOnly(req), current], [hexOnly(req), ORIGINAL]])).toEqual([true, false]);
  });

  it('rotating again keeps only the secret just replaced beside the new one', async () => {
    const res = await host.http.post(`${host.admin}/${id}/secret/rotate`).expect(200);
    const [, first] = secretsSeen;
    secretsSeen.push(res.body.secret);
    expect(res.body.secret).not.toBe(first);
    const req = await sendTest('/rot');
    expect(String(req.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(standardWebhooksAccepts(req, res.body.secret)).toBe(true);
    expect(standardWebhooksAccepts(req, first)).toBe(true);
    expect(ourVerifierAccepts(req, ORIGINAL)).toBe(false);
  });

  it('drops the old secret once its 24 h are over: one signature, and the column is cleared on the next write', async () => {
    await host.dataSource.query('UPDATE webhook_endpoints SET previousSecretExpiresAt = ? WHERE id = ?', [new Date(Date.now() - 1000), id]);
    host.forgetEndpoints();
    const current = secretsSeen[secretsSeen.length - 1];
    const previous = secretsSeen[secretsSeen.length - 2];
    const req = await sendTest('/rot');
    expect(String(req.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(standardWebhooksAccepts(req, current)).toBe(true);
    expect(standardWebhooksAccepts(req, previous)).toBe(false);

    await host.http.patch(`${host.admin}/${id}`).send({ name: 'Rotating (renamed)' }).expect(200);
    const [row] = await host.dataSource.query('SELECT previousSecret, previousSecretExpiresAt FROM webhook_endpoints WHERE id = ?', [id]);
    expect(row).toEqual({ previousSecret: null, previousSecretExpiresAt: null });
  });

  it('setting a secret with PATCH replaces it at once, with no overlap', async () => {
    await host.http.post(`${host.admin}/${id}/secret/rotate`).expect(200);
    await host.http.patch(`${host.admin}/${id}`).send({ secret: 'set-by-hand-secret' }).expect(200);
    secretsSeen.push('set-by-hand-secret');
    const req = await sendTest('/rot');
    expect(String(req.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(ourVerifierAccepts(req, 'set-by-hand-secret')).toBe(true);
  });

  it('gives a webhook without a secret its first one, with nothing to overlap', async () => {
    const created = await host.http.post(host.admin).send({ name: 'Unsigned', url: receiver.url('/unsigned'), events: ['*'] }).expect(201);
    expect(created.body.hasSecret).toBe(false);
    expect((await host.http.get(`${host.admin}/${created.body.id}/secret`).expect(200)).body).toEqual({ secret: null });
    const res = await host.http.post(`${host.admin}/${created.body.id}/secret/rotate`).expect(200);
    secretsSeen.push(res.body.secret);
    expect((await host.http.get(`${host.admin}/${created.body.id}`).expect(200)).body.hasSecret).toBe(true);
    await host.http.post(`${host.admin}/${created.body.id}/test`).send({}).expect(200);
    const [req] = await receiver.waitFor(1, { path: '/unsigned' });
    expect(String(req.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(standardWebhooksAccepts(req, res.body.secret)).toBe(true);
  });

  it('answers 404 to a rotation of an unknown or impossible id', async () => {
    await host.http.post(`${host.admin}/00000000-0000-4000-8000-000000000000/secret/rotate`).expect(404, /Webhook not found/);
    await host.http.post(`${host.admin}/${'x'.repeat(500)}/secret/rotate`).expect(404, /Webhook not found/);
  });

  it('never shows a secret outside the secret routes: list, get, delivery log, errors, request headers in the database', async () => {
    const bodies: string[] = [];
    const collect = async (path: string, status = 200) => bodies.push(JSON.stringify((await host.http.get(path).expect(status)).body));
    await collect(host.admin);
    const list = (await host.http.get(host.admin).expect(200)).body as Array<{ id: string }>;
    for (const webhook of list) {
      await collect(`${host.admin}/${webhook.id}`);
      const deliveries = (await host.http.get(`${host.admin}/${webhook.id}/deliveries?limit=200`).expect(200)).body;
      bodies.push(JSON.stringify(deliveries));
      for (const d of deliveries.items) await collect(`${host.admin}/${webhook.id}/deliveries/${d.id}`);
    }
    const refused = await host.http.patch(`${host.admin}/${id}`).send({ secret: `${ORIGINAL} with spaces` }).expect(400);
    bodies.push(JSON.stringify(refused.body));
    const badWhsec = await host.http.patch(`${host.admin}/${id}`).send({ secret: 'whsec_not!base64' }).expect(400);
    bodies.push(JSON.stringify(badWhsec.body));
    const rows = await host.dataSource.query('SELECT requestHeaders, error, responseBody, payload FROM webhook_deliveries');
    bodies.push(JSON.stringify(rows));

    expect(bodies.join('\n')).toContain('webhook-signature');
    for (const secret of [...secretsSeen, 'not!base64']) {
      for (const body of bodies) {
        expect(body).not.toContain(secret);
        if (secret.startsWith('whsec_')) expect(body).not.toContain(secret.slice(6));
      }
    }
  });
});

describe('secrets encrypted at rest (secretEncryptionKey)', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost({ options: { secretEncryptionKey: Buffer.alloc(32, 9).toString('base64') } });
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it('stores the current and the rotated-out secret encrypted, and signs with both', async () => {
    const created = await host.http.post(host.admin).send({ name: 'Enc', url: receiver.url('/enc'), secret: PLAIN, events: ['*'] }).expect(201);
    const { secret } = (await host.http.post(`${host.admin}/${created.body.id}/secret/rotate`).expect(200)).body;
    const [row] = await host.dataSource.query('SELECT secret, previousSecret FROM webhook_endpoints WHERE id = ?', [created.body.id]);
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.previousSecret).toMatch(/^enc:v1:/);
    expect(JSON.stringify(row)).not.toContain(PLAIN);
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));
    expect((await host.http.get(`${host.admin}/${created.body.id}/secret`).expect(200)).body).toEqual({ secret });

    await host.http.post(`${host.admin}/${created.body.id}/test`).send({}).expect(200);
    const [req] = await receiver.waitFor(1, { path: '/enc' });
    expect(standardWebhooksAccepts(req, secret)).toBe(true);
    expect(standardWebhooksAccepts(req, PLAIN, true)).toBe(true);
  });
});
