import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RequestMethod } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { CanActivate } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { WebhooksAdminController } from '../src/webhooks/admin/webhooks-admin.controller.js';
import { AdminTokenGuard } from '../src/chat/admin-token.guard.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any> } };

/** Every route of the admin controller, read from Nest's own route metadata. */
function adminRoutes(): Array<{ handler: string; method: string; path: string; hasBody: boolean; hasQuery: boolean }> {
  const proto = WebhooksAdminController.prototype as unknown as Record<string, object>;
  return Object.getOwnPropertyNames(proto)
    .filter((name) => name !== 'constructor' && Reflect.getMetadata('path', proto[name]) !== undefined)
    .map((name) => {
      const path = String(Reflect.getMetadata('path', proto[name]));
      const args = Object.keys(Reflect.getMetadata('__routeArguments__', WebhooksAdminController, name) ?? {});
      return {
        handler: name,
        method: RequestMethod[Reflect.getMetadata('method', proto[name]) as number].toLowerCase(),
        path: path === '/' ? '' : `/${path.replace(/:(\w+)/g, '{$1}')}`,
        hasBody: args.some((a) => a.startsWith('3:')), // RouteParamtypes.BODY
        hasQuery: args.some((a) => a.startsWith('4:')), // RouteParamtypes.QUERY
      };
    });
}

describe('the OpenAPI document of the admin API', () => {
  let host: WebhooksHost;
  let doc: OpenApi;

  beforeAll(async () => {
    host = await bootWebhooksHost({ options: { processDeliveries: false } });
    doc = (await host.http.get(`${host.admin}/docs-json`).expect(200)).body as OpenApi;
  });

  afterAll(async () => {
    await host?.close();
  });

  it('lists every route of the controller with its request and answer schemas', () => {
    const routes = adminRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(12);
    for (const route of routes) {
      const op = doc.paths[`${host.admin}${route.path}`]?.[route.method];
      expect({ route: `${route.method} ${route.path}`, documented: Boolean(op) }).toEqual({ route: `${route.method} ${route.path}`, documented: true });
      expect(op.summary).toEqual(expect.any(String));
      expect(op.operationId).toBe(`webhooks${route.handler[0].toUpperCase()}${route.handler.slice(1)}`);
      const success = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
      // One success status; the replay has two (202 queued, 200 a dry run's count).
      expect(success.map(([status]) => status).sort()).toEqual(route.handler === 'replay' ? ['200', '202'] : [expect.any(String)]);
      for (const [status, answer] of success) {
        if (status !== '204') expect(answer.content?.['application/json']?.schema).toBeDefined();
      }
      if (route.hasBody) expect(op.requestBody?.content['application/json']?.schema).toBeDefined();
      for (const param of route.path.match(/\{\w+\}/g) ?? []) {
        expect(op.parameters?.some((p) => p.in === 'path' && `{${p.name}}` === param)).toBe(true);
      }
    }
    // Nothing else of the module: not the page, not the docs themselves.
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${host.admin}${r.path}`).sort());
  });

  it('describes the bodies, with examples and required fields', () => {
    const create = doc.components.schemas.CreateWebhookDto;
    expect(create.required.sort()).toEqual(['events', 'name', 'url']);
    expect(Object.keys(create.properties).sort()).toEqual(
      ['accountId', 'description', 'enabled', 'events', 'format', 'inboxIds', 'name', 'ordering', 'rateLimit', 'secret', 'source', 'url'],
    );
    for (const property of Object.values(create.properties) as Array<Record<string, unknown>>) {
      expect(property.example).toBeDefined();
      expect(property.description).toEqual(expect.any(String));
    }
    expect(create.properties.events.items.enum).toEqual(expect.arrayContaining(['conversation.started', '*']));
    expect(doc.components.schemas.UpdateWebhookDto.required ?? []).toEqual([]);
    expect(create.properties.ordering).toMatchObject({ type: 'string', enum: ['none', 'conversation'] });
    expect(doc.components.schemas.UpdateWebhookDto.properties.ordering).toMatchObject({ enum: ['none', 'conversation'] });
    const deliveries = doc.paths[`${host.admin}/{id}/deliveries`].get;
    expect(deliveries.parameters?.filter((p) => p.in === 'query').map((p) => p.name).sort()).toEqual(
      ['before', 'event', 'limit', 'q', 'since', 'status', 'until'],
    );
    const replay = doc.components.schemas.ReplayDeliveriesDto;
    expect(replay.properties.dryRun).toMatchObject({ type: 'boolean' });
    expect(replay.required).toEqual(['since']);
  });

  it('describes the resume route, the list with health and each attempt with its response', () => {
    const resume = doc.paths[`${host.admin}/{id}/resume`].post;
    expect(resume.operationId).toBe('webhooksResume');
    expect(resume.responses['200'].content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/WebhookViewModel' });
    expect(Object.keys(resume.responses).sort()).toEqual(['200', '404', '503']);
    const list = doc.paths[host.admin].get;
    expect(list.responses['200'].content?.['application/json']?.schema).toEqual({ type: 'array', items: { $ref: '#/components/schemas/WebhookListItemModel' } });
    const item = doc.components.schemas.WebhookListItemModel;
    expect(Object.keys(item.properties).sort()).toEqual([...Object.keys(doc.components.schemas.WebhookViewModel.properties), 'health'].sort());
    expect(Object.keys(doc.components.schemas.WebhookHealthSummaryModel.properties).sort()).toEqual(
      ['lastDeliveryAt', 'lastStatus', 'p95Ms', 'successRate', 'total'],
    );
    expect(Object.keys(doc.components.schemas.WebhookDeliveryAttemptModel.properties).sort()).toEqual(
      ['at', 'attempt', 'durationMs', 'error', 'requestHeaders', 'responseBody', 'responseHeaders', 'statusCode'],
    );
  });

  it('describes the answers: a webhook, a delivery page, errors', () => {
    const view = doc.components.schemas.WebhookViewModel;
    expect(Object.keys(view.properties).sort()).toEqual(
      [
        'accountId', 'consecutiveFailures', 'createdAt', 'description', 'disabledAt', 'disabledReason', 'enabled', 'events', 'format', 'hasSecret',
        'id', 'inboxIds', 'name', 'ordering', 'pausedUntil', 'rateLimit', 'source', 'updatedAt', 'url',
      ],
    );
    expect(doc.components.schemas.WebhookDeliveryPageModel.properties.items.items.$ref).toMatch(/WebhookDeliverySummaryModel$/);
    const get = doc.paths[`${host.admin}/{id}`].get;
    expect(get.responses['404'].content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/WebhookErrorModel' });
  });

  it('matches what the API answers', async () => {
    const created = await host.http
      .post(host.admin)
      .send({ name: 'CRM', url: 'https://127.0.0.1:9/hooks', events: ['*'] })
      .expect(201);
    expect(Object.keys(created.body).sort()).toEqual(Object.keys(doc.components.schemas.WebhookViewModel.properties).sort());
    const listed = (await host.http.get(host.admin).expect(200)).body.find((w: { id: string }) => w.id === created.body.id);
    expect(Object.keys(listed).sort()).toEqual(Object.keys(doc.components.schemas.WebhookListItemModel.properties).sort());
    expect(Object.keys(listed.health).sort()).toEqual(Object.keys(doc.components.schemas.WebhookHealthSummaryModel.properties).sort());
    const resumed = await host.http.post(`${host.admin}/${created.body.id}/resume`).expect(200);
    expect(Object.keys(resumed.body).sort()).toEqual(Object.keys(doc.components.schemas.WebhookViewModel.properties).sort());
  });

  it.each(['/docs', '/docs/'])('serves Swagger UI at %s, its assets where the page asks for them', async (form) => {
    const pagePath = `${host.admin}${form}`;
    const page = await host.http.get(pagePath).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const assets = [...page.text.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => new URL(m[1], `http://host${pagePath}`).pathname);
    expect(assets).toEqual([`${host.admin}/docs/swagger-ui.css`, `${host.admin}/docs/swagger-ui-bundle.js`]);
    const css = await host.http.get(assets[0]).expect(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    const bundle = await host.http.get(assets[1]).expect(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.text.length).toBeGreaterThan(100_000);
    await host.http.get(`${host.admin}/docs/..%2Fpackage.json`).expect(404);
  });

  it('declares no security scheme without adminGuards', () => {
    expect((doc as { security?: unknown }).security).toBeUndefined();
    expect((doc.components as { securitySchemes?: unknown }).securitySchemes).toBeUndefined();
  });

  it("puts the admin API in the host's own Swagger document", () => {
    const own = SwaggerModule.createDocument(host.app, new DocumentBuilder().setTitle('Host').build()) as unknown as OpenApi;
    const op = own.paths[host.admin]?.post;
    expect(op?.tags).toEqual(['Live-chat webhooks']);
    expect(op?.requestBody?.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateWebhookDto' });
    expect(Object.keys(own.paths).filter((p) => /\/(ui|docs)/.test(p))).toEqual([]);
  });
});

describe('adminDocs and adminGuards', () => {
  const deny: CanActivate = { canActivate: () => false };
  let guarded: WebhooksHost;
  let bearer: WebhooksHost;
  let off: WebhooksHost;

  beforeAll(async () => {
    guarded = await bootWebhooksHost({ options: { processDeliveries: false, adminGuards: [deny], adminPath: 'ops/hooks' } });
    // The demo's guard: `Authorization: Bearer <token>`, 401 otherwise.
    bearer = await bootWebhooksHost({ options: { processDeliveries: false, adminGuards: [new AdminTokenGuard('docs-token')] } });
    off = await bootWebhooksHost({ options: { processDeliveries: false, adminDocs: false } });
  });

  afterAll(async () => {
    await guarded?.close();
    await bearer?.close();
    await off?.close();
  });

  it('puts the document behind the admin guards, and not Swagger UI, which holds no data', async () => {
    await guarded.http.get('/ops/hooks/docs-json').expect(403);
    await guarded.http.get('/ops/hooks').expect(403);
    await guarded.http.get('/ops/hooks/docs').expect(200);
    await guarded.http.get('/ops/hooks/docs/').expect(200);
    await guarded.http.get('/ops/hooks/docs/swagger-ui-bundle.js').expect(200);
    await guarded.http.get('/ops/hooks/docs/swagger-ui.css').expect(200);
  });

  it('with a bearer-token guard: the UI loads without the token, the document needs it and declares it', async () => {
    const docs = `${bearer.admin}/docs`;
    const page = await bearer.http.get(docs).expect(200);
    await bearer.http.get(`${docs}/`).expect(200);
    for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js']) await bearer.http.get(`${docs}/${asset}`).expect(200);
    const refused = await bearer.http.get(`${docs}-json`).expect(401);
    expect(refused.body).toEqual({ statusCode: 401, message: 'Missing or invalid admin token', error: 'Unauthorized' });
    const doc = (await bearer.http.get(`${docs}-json`).set('authorization', 'Bearer docs-token').expect(200)).body as OpenApi & {
      security?: unknown;
      components: { securitySchemes?: Record<string, unknown> };
    };
    // Swagger UI's Authorize button, and "Try it out" sending the token on every route.
    expect(doc.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.paths)).toContain(bearer.admin);
    // The page starts on a document that only declares the scheme, then loads the real one with the token.
    expect(page.text).toContain('"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"}}');
    expect(page.text).toContain("Authorization:'Bearer '+t");
    const script = page.text.match(/<script>([\s\S]*?)<\/script>/)![1];
    expect(() => new Function(script)).not.toThrow();
    expect(page.headers['content-security-policy']).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });

  it('serves no docs with adminDocs: false', async () => {
    await off.http.get(`${off.admin}/docs-json`).expect(404);
    await off.http.get(`${off.admin}/docs`).expect(404);
  });
});
