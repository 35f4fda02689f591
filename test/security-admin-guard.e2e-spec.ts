import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext, LoggerService } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import request from 'supertest';
import type { Test } from 'supertest';
import { bootDemoHost } from './support/demo-host.js';
import type { DemoHost } from './support/demo-host.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

type Method = 'get' | 'post' | 'patch' | 'delete';

/**
 * Every admin API route, with a body where it takes one (a valid one: only the guard may refuse it).
 * Each row has all three entries: jest would take a missing one for a `done` callback.
 */
const ROUTES: Array<[Method, string, object | null]> = ([
  ['get', ''],
  ['post', '', { name: 'Sneaky', url: 'https://127.0.0.1/x', events: ['*'] }],
  ['get', '/events'],
  ['get', '/scope'],
  ['get', '/stats'],
  ['get', '/:id'],
  ['patch', '/:id', { name: 'Renamed by an intruder' }],
  ['get', '/:id/secret'],
  ['post', '/:id/secret/rotate'],
  ['post', '/:id/test', {}],
  ['get', '/:id/deliveries'],
  ['get', '/:id/deliveries/:deliveryId'],
  ['post', '/:id/deliveries/:deliveryId/redeliver'],
  ['post', '/:id/deliveries/replay', { since: '2025-01-15T10:00:00Z', dryRun: true }],
  ['post', '/:id/resume'],
  ['delete', '/:id'],
] as Array<[Method, string, object?]>).map(([method, route, body]) => [method, route, body ?? null]);

function call(http: ReturnType<typeof request>, method: Method, path: string, body: object | null): Test {
  const req = http[method](path);
  return body === null ? req : req.send(body);
}

/** Who may use the admin API in the module-level tests: an `x-role: admin` header (a guard class with a dependency). */
@Injectable()
class RoleGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    expect(this.reflector).toBeInstanceOf(Reflector);
    return context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-role'] === 'admin';
  }
}

/** ...and an `x-api-key` (a guard instance). */
const apiKeyGuard: CanActivate = {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-api-key'] !== 'k-123') {
      throw new UnauthorizedException('API key required');
    }
    return true;
  },
};

describe('adminGuards: a guard class and a guard instance on every admin route', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let path: (route: string) => string;
  const allowed = { 'x-role': 'admin', 'x-api-key': 'k-123' };

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost({ options: { adminGuards: [RoleGuard, apiKeyGuard] } });
    const created = await host.http.post(host.admin).set(allowed).send({ name: 'Guarded', url: receiver.url(), secret: 'guarded-secret', events: ['*'] }).expect(201);
    const test = await host.http.post(`${host.admin}/${created.body.id}/test`).set(allowed).send({}).expect(200);
    path = (route) => `${host.admin}${route.replace(':id', created.body.id).replace(':deliveryId', test.body.deliveryId)}`;
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  it.each(ROUTES)('%s %s: 403 from the class guard, 401 from the instance guard, nothing done', async (method, route, body) => {
    const before = await host.dataSource.query('SELECT * FROM webhook_endpoints');
    const sent = receiver.requests.length;

    const noRole = await call(host.http, method, path(route), body).set('x-api-key', 'k-123').expect(403);
    expect(noRole.body).toEqual({ statusCode: 403, message: 'Forbidden resource', error: 'Forbidden' });
    const noKey = await call(host.http, method, path(route), body).set('x-role', 'admin').expect(401);
    expect(noKey.body).toEqual({ statusCode: 401, message: 'API key required', error: 'Unauthorized' });
    await call(host.http, method, path(route), body).set({ 'x-role': 'user', 'x-api-key': 'k-123' }).expect(403);

    expect(await host.dataSource.query('SELECT * FROM webhook_endpoints')).toEqual(before);
    expect(receiver.requests.length).toBe(sent);
    expect(JSON.stringify(noRole.body) + JSON.stringify(noKey.body)).not.toContain('guarded-secret');
  });

  it('lets a request through both guards on every route', async () => {
    for (const [method, route, body] of ROUTES) {
      if (method === 'delete') {
        // Let the redelivery finish first: deleting under a running attempt is not what this test is about.
        await eventually(async () => {
          const { body: d } = await host.http.get(path('/:id/deliveries/:deliveryId')).set(allowed).expect(200);
          return d.status === 'success' && d.attempts === 2 ? d : undefined;
        }, 10_000, 'the redelivery to finish');
      }
      const res = await call(host.http, method, path(route), route === '' && method === 'post' ? { ...body!, url: receiver.url('/x') } : body).set(allowed);
      expect([200, 201, 202, 204]).toContain(res.status);
    }
  });
});

/** Collects every log line of every level, to look for secrets in them. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private record(level: string, args: unknown[]): void {
    this.lines.push(`${level} ${args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  }
  log(...args: unknown[]) { this.record('log', args); }
  error(...args: unknown[]) { this.record('error', args); }
  warn(...args: unknown[]) { this.record('warn', args); }
  debug(...args: unknown[]) { this.record('debug', args); }
  verbose(...args: unknown[]) { this.record('verbose', args); }
  fatal(...args: unknown[]) { this.record('fatal', args); }
}

describe('the demo host: ADMIN_TOKEN on every route, its body parser, and its logs', () => {
  const TOKEN = 'demo-admin-token-for-the-guard-test';
  const SECRET = 'demo-signing-secret-never-logged';
  let demo: DemoHost;
  let http: ReturnType<typeof request>;
  let receiver: HttpsReceiver;
  let path: (route: string) => string;
  const logger = new CapturingLogger();
  const admin = '/admin/live-chat/webhooks';
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    demo = await bootDemoHost({ adminToken: TOKEN }, { logger });
    http = demo.http;
    const created = await http.post(admin).set(auth).send({ name: 'Demo', url: receiver.url(), secret: SECRET, events: ['*'] }).expect(201);
    const test = await http.post(`${admin}/${created.body.id}/test`).set(auth).send({}).expect(200);
    path = (route) => `${admin}${route.replace(':id', created.body.id).replace(':deliveryId', test.body.deliveryId)}`;
  });

  afterAll(async () => {
    await demo?.close();
    await receiver?.close();
  });

  it.each(ROUTES)('%s %s: 401 without the token, with a wrong one, and with another scheme', async (method, route, body) => {
    const sent = receiver.requests.length;
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN]) {
      const req = call(http, method, path(route), body);
      const res = await (authorization === undefined ? req : req.set('authorization', authorization)).expect(401);
      expect(res.body).toEqual({ statusCode: 401, message: 'Missing or invalid admin token', error: 'Unauthorized' });
    }
    expect(receiver.requests.length).toBe(sent);
    expect((await http.get(path('/:id/secret')).set(auth).expect(200)).body).toEqual({ secret: SECRET });
  });

  it('answers a body over 1 MB with 413 as Nest JSON, before the guard and with nothing stored', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), url: receiver.url(), events: ['*'] });
    for (const headers of [auth, {}]) {
      const res = await http.post(admin).set(headers).set('content-type', 'application/json').send(huge).expect(413);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ statusCode: 413, message: expect.any(String), error: 'Payload Too Large' });
    }
    const just = JSON.stringify({ name: 'y'.repeat(1000 * 1000), url: receiver.url(), events: ['*'] });
    const res = await http.post(admin).set(auth).set('content-type', 'application/json').send(just).expect(400);
    expect(JSON.stringify(res.body.message)).toContain('name');
    expect((await http.get(admin).set(auth).expect(200)).body).toHaveLength(1);
  });

  it.each([
    ['a truncated object', '{"name": "x", "url":'],
    ['single quotes', "{'name': 'x'}"],
    ['a bare string', '"just a string"'],
    ['a number', '42'],
    ['NaN', '{"enabled": NaN}'],
    ['trailing garbage', '{"name": "x"} trailing'],
    ['a comment', '{"name": "x" /* hi */}'],
  ])('answers %s sent as JSON with 400 as Nest JSON, before the guard and with nothing stored', async (_what, raw) => {
    for (const headers of [auth, {}]) {
      const res = await http.post(admin).set(headers).set('content-type', 'application/json').send(raw).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ statusCode: 400, message: expect.any(String), error: 'Bad Request' });
    }
    const patched = await http.patch(path('/:id')).set(auth).set('content-type', 'application/json').send(raw).expect(400);
    expect(patched.body.statusCode).toBe(400);
    expect((await http.get(admin).set(auth).expect(200)).body.map((w: { name: string }) => w.name)).toEqual(['Demo']);
  });

  it.each([
    ['an unsupported charset', { 'content-type': 'application/json; charset=latin1' }, 415],
    ['an unsupported content encoding', { 'content-type': 'application/json', 'content-encoding': 'x-evil' }, 415],
    ['a gzip body that is not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 400],
  ])('answers %s as Nest JSON with a 4xx, never a 500', async (_what, headers, status) => {
    const res = await http.post(admin).set(auth).set(headers).send('{"name":"x"}').expect(status);
    expect(res.body).toEqual({ statusCode: status, message: expect.any(String), error: expect.any(String) });
  });

  it('answers a body that is not JSON at all (form, text, none) with 400 naming the fields, never a 500', async () => {
    for (const [type, raw] of [
      ['application/x-www-form-urlencoded', 'name=x&url=https://example.com&events=*'],
      ['text/plain', '{"name":"x","url":"https://example.com","events":["*"]}'],
      ['application/xml', '<webhook><name>x</name></webhook>'],
    ]) {
      const res = await http.post(admin).set(auth).set('content-type', type).send(raw);
      expect(res.status).toBe(400);
      expect(res.body.statusCode).toBe(400);
    }
    const empty = await http.post(admin).set(auth).expect(400);
    expect(JSON.stringify(empty.body.message)).toMatch(/name/);
    expect((await http.get(admin).set(auth).expect(200)).body).toHaveLength(1);
  });

  it('never writes a secret or the admin token to the logs, whatever happens', async () => {
    const id = path('/:id').split('/').pop()!;
    await http.patch(path('/:id')).set(auth).send({ secret: `${SECRET} with a space` }).expect(400);
    await http.patch(path('/:id')).set(auth).send({ secret: 'whsec_damaged!!' }).expect(400);
    const { secret: rotated } = (await http.post(path('/:id/secret/rotate')).set(auth).expect(200)).body;
    await http.post(path('/:id/test')).set(auth).send({}).expect(200);
    await http.get(`${admin}/${id}/secret`).set('authorization', `Bearer ${SECRET}`).expect(401);
    await http.post(admin).set(auth).set('content-type', 'application/json').send(`{"secret":"${SECRET}"`).expect(400);

    const logs = logger.lines.join('\n');
    expect(logs).toContain('secretEncryptionKey is not set');
    for (const secret of [SECRET, rotated, rotated.slice(6), 'whsec_damaged', TOKEN]) expect(logs).not.toContain(secret);
  });
});
