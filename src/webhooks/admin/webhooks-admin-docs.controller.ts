import { Controller, Get, Header, Inject, NotFoundException, Param, Req, Res, UseGuards } from '@nestjs/common';
import type { CanActivate, Type } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WEBHOOKS_PACKAGE_VERSION } from '../webhooks.version.js';
import { WEBHOOKS_OPENAPI_TAG } from './openapi/webhooks-openapi.apply.js';
import { swaggerUiFolder } from './openapi/webhooks-swagger.loader.js';
import type { WebhooksSwagger } from './openapi/webhooks-swagger.loader.js';
import { FastifyRoutePaths, endsWithSlash, trailingRest } from './webhooks-trailing-slash.js';

/** Injection token: `@nestjs/swagger` once the admin API's decorators are on, or null when it is not installed. */
export const WEBHOOKS_SWAGGER = Symbol('WEBHOOKS_SWAGGER');
/** Injection token: the module class, to scan only its controllers. */
export const WEBHOOKS_MODULE_CLASS = Symbol('WEBHOOKS_MODULE_CLASS');

const NOT_INSTALLED = 'The OpenAPI document of the webhooks admin API needs @nestjs/swagger: npm install @nestjs/swagger';
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

type DocsRequest = { originalUrl?: string; url?: string; params?: Record<string, unknown> };

interface ContainerLike {
  applicationConfig: unknown;
  getHttpAdapterRef(): unknown;
}

/** The bearer security scheme the document declares when the admin API has guards: Swagger UI's Authorize button. */
const BEARER = 'bearer';

/**
 * Swagger UI's start script. The document is behind the admin guards and a browser
 * sends no token when it loads a page, so the UI starts on an empty document that only
 * declares the bearer scheme (the Authorize button), loads the real one at once (enough
 * without guards, or with a cookie), and again with the token once it is authorized.
 * "Try it out" then sends the token: the document requires the scheme on every route.
 */
function startScript(title: string): string {
  const stub = {
    openapi: '3.0.3',
    info: { title, version: WEBHOOKS_PACKAGE_VERSION, description: 'The document is behind the admin guards: use Authorize with your admin token to load it.' },
    paths: {},
    components: { securitySchemes: { [BEARER]: { type: 'http', scheme: 'bearer' } } },
  };
  return (
    'window.onload=function(){' +
    "var url=location.pathname.replace(/\\/?$/,'-json');" +
    `var stub=${JSON.stringify(stub)};` +
    'function token(s){var a=s.authSelectors.authorized();var t=a&&a.getIn([' + JSON.stringify(BEARER) + ",'value']);return t||null;}" +
    "function load(s){var t=token(s);fetch(url,{credentials:'same-origin',headers:t?{Authorization:'Bearer '+t}:{}})" +
    '.then(function(r){return r.ok?r.json():null;}).then(function(d){if(d)s.specActions.updateSpec(JSON.stringify(d));});}' +
    'function Reload(){return{statePlugins:{auth:{wrapActions:{authorize:function(o,s){return function(p){var r=o(p);load(s);return r;};}}}}};}' +
    "window.ui=SwaggerUIBundle({spec:stub,dom_id:'#swagger-ui',deepLinking:true,plugins:[Reload]});" +
    'load(window.ui);};'
  );
}

/**
 * Serves `/<adminPath>/docs-json` (the OpenAPI document of the admin API), behind the
 * same guards as the API, and `/<adminPath>/docs` (Swagger UI on it, with or without a
 * trailing slash) with its assets, which hold no data and are served without them:
 * a browser cannot send a bearer token when it navigates. 404 with how to fix it when
 * `@nestjs/swagger` is not installed.
 */
export function createWebhooksAdminDocsController(path: string, guards: Array<Type<CanActivate> | CanActivate>): Type<unknown> {
  const script = startScript('Live-chat webhooks admin API');
  // Relative asset URLs: `/docs` and `/docs/` resolve them against different folders.
  const html = (assets: string) =>
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Webhooks admin API</title>' +
    `<link rel="stylesheet" href="${assets}swagger-ui.css"></head><body><div id="swagger-ui"></div>` +
    `<script src="${assets}swagger-ui-bundle.js"></script><script>${script}</script></body></html>`;
  const csp = [
    "default-src 'none'",
    `script-src 'self' 'sha256-${createHash('sha256').update(script).digest('base64')}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

  const pageHeaders: Record<string, string> = {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };

  class WebhooksAdminDocsController {
    private document?: Record<string, unknown>;

    constructor(
      @Inject(WEBHOOKS_SWAGGER) private readonly swagger: WebhooksSwagger | null,
      @Inject(WEBHOOKS_MODULE_CLASS) private readonly moduleClass: Type<unknown>,
      private readonly moduleRef: ModuleRef,
      private readonly adapterHost: HttpAdapterHost,
    ) {}

    @Get('docs-json')
    @Header('Cache-Control', 'no-store')
    json(): Record<string, unknown> {
      if (!this.swagger) throw new NotFoundException(NOT_INSTALLED);
      this.document ??= this.build(this.swagger);
      return this.document;
    }

    @Get('docs')
    page(@Req() request: DocsRequest): string {
      if (!this.swagger) throw new NotFoundException(NOT_INSTALLED);
      return html(endsWithSlash(request) ? '' : 'docs/');
    }

    /** The assets; on Fastify also `/docs/` itself (see `FastifyRoutePaths`). */
    @Get('docs/:asset')
    @FastifyRoutePaths('docs/*')
    async asset(@Req() request: DocsRequest, @Res() res: { type(t: string): unknown; send(b: Buffer): unknown }): Promise<void> {
      const asset = typeof request.params?.asset === 'string' ? request.params.asset : trailingRest(request);
      if (asset === '' && this.swagger) {
        const adapter = this.adapterHost.httpAdapter;
        for (const [name, value] of Object.entries(pageHeaders)) adapter.setHeader(res, name, value);
        adapter.reply(res, this.page(request), 200);
        return;
      }
      const folder = this.swagger && Object.hasOwn(ASSETS, asset) ? await swaggerUiFolder() : undefined;
      if (!folder) throw new NotFoundException(this.swagger ? 'No such file' : NOT_INSTALLED);
      res.type(ASSETS[asset]);
      res.send(await readFile(join(folder, asset)));
    }

    private build(swagger: WebhooksSwagger): Record<string, unknown> {
      // SwaggerModule scans an application; the container this module lives in is that application's.
      const container = (this.moduleRef as unknown as { container: ContainerLike }).container;
      const app = { container, config: container.applicationConfig, getHttpAdapter: () => container.getHttpAdapterRef() };
      const config = new swagger.DocumentBuilder()
        .setTitle('Live-chat webhooks admin API')
        .setDescription('Manage outgoing webhooks: endpoints, the event catalog, test deliveries and the delivery log.')
        .setVersion(WEBHOOKS_PACKAGE_VERSION)
        .addTag(WEBHOOKS_OPENAPI_TAG);
      // With guards, every route takes the bearer token: Swagger UI's Authorize button and "Try it out" send it.
      if (guards.length > 0) config.addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The admin token your adminGuards check.' }, BEARER);
      const document = swagger.SwaggerModule.createDocument(app as never, config.build(), { include: [this.moduleClass] });
      if (guards.length > 0) document.security = [{ [BEARER]: [] }];
      // Only this instance's routes, when a host mounts the module twice.
      const mine = (p: string) => `${p}/`.includes(`/${path}/`);
      document.paths = Object.fromEntries(Object.entries(document.paths).filter(([p]) => mine(p)));
      return document as unknown as Record<string, unknown>;
    }
  }
  Controller(path)(WebhooksAdminDocsController);
  const page = Object.getOwnPropertyDescriptor(WebhooksAdminDocsController.prototype, 'page')!;
  for (const [name, value] of Object.entries(pageHeaders)) Header(name, value)(WebhooksAdminDocsController.prototype, 'page', page);
  // The document only: Swagger UI's page and assets hold no data.
  const json = Object.getOwnPropertyDescriptor(WebhooksAdminDocsController.prototype, 'json')!;
  if (guards.length > 0) UseGuards(...guards)(WebhooksAdminDocsController.prototype, 'json', json);
  return WebhooksAdminDocsController;
}
