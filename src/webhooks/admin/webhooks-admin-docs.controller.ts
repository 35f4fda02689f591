import { Controller, Get, Header, Inject, NotFoundException, Param, Res, UseGuards } from '@nestjs/common';
import type { CanActivate, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WEBHOOKS_PACKAGE_VERSION } from '../webhooks.version.js';
import { WEBHOOKS_OPENAPI_TAG } from './openapi/webhooks-openapi.apply.js';
import { swaggerUiFolder } from './openapi/webhooks-swagger.loader.js';
import type { WebhooksSwagger } from './openapi/webhooks-swagger.loader.js';

/** Injection token: `@nestjs/swagger` once the admin API's decorators are on, or null when it is not installed. */
export const WEBHOOKS_SWAGGER = Symbol('WEBHOOKS_SWAGGER');
/** Injection token: the module class, to scan only its controllers. */
export const WEBHOOKS_MODULE_CLASS = Symbol('WEBHOOKS_MODULE_CLASS');

const NOT_INSTALLED = 'The OpenAPI document of the webhooks admin API needs @nestjs/swagger: npm install @nestjs/swagger';
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

interface ContainerLike {
  applicationConfig: unknown;
  getHttpAdapterRef(): unknown;
}

/**
 * Serves `/<adminPath>/docs-json` (the OpenAPI document of the admin API) and
 * `/<adminPath>/docs` (Swagger UI on it), behind the same guards as the API.
 * 404 with how to fix it when `@nestjs/swagger` is not installed.
 */
export function createWebhooksAdminDocsController(path: string, guards: Array<Type<CanActivate> | CanActivate>): Type<unknown> {
  const script = `window.onload=function(){window.ui=SwaggerUIBundle({url:location.pathname.replace(/\\/?$/,'-json'),dom_id:'#swagger-ui',deepLinking:true});};`;
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Webhooks admin API</title>' +
    `<link rel="stylesheet" href="docs/swagger-ui.css"></head><body><div id="swagger-ui"></div>` +
    `<script src="docs/swagger-ui-bundle.js"></script><script>${script}</script></body></html>`;
  const csp = [
    "default-src 'none'",
    `script-src 'self' 'sha256-${createHash('sha256').update(script).digest('base64')}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

  class WebhooksAdminDocsController {
    private document?: Record<string, unknown>;

    constructor(
      @Inject(WEBHOOKS_SWAGGER) private readonly swagger: WebhooksSwagger | null,
      @Inject(WEBHOOKS_MODULE_CLASS) private readonly moduleClass: Type<unknown>,
      private readonly moduleRef: ModuleRef,
    ) {}

    @Get('docs-json')
    @Header('Cache-Control', 'no-store')
    json(): Record<string, unknown> {
      if (!this.swagger) throw new NotFoundException(NOT_INSTALLED);
      this.document ??= this.build(this.swagger);
      return this.document;
    }

    @Get('docs')
    @Header('Content-Type', 'text/html; charset=utf-8')
    @Header('Content-Security-Policy', csp)
    @Header('X-Content-Type-Options', 'nosniff')
    @Header('Cache-Control', 'no-store')
    page(): string {
      if (!this.swagger) throw new NotFoundException(NOT_INSTALLED);
      return html;
    }

    @Get('docs/:asset')
    async asset(@Param('asset') asset: string, @Res() res: { type(t: string): unknown; send(b: Buffer): unknown }): Promise<void> {
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
        .addTag(WEBHOOKS_OPENAPI_TAG)
        .build();
      const document = swagger.SwaggerModule.createDocument(app as never, config, { include: [this.moduleClass] });
      // Only this instance's routes, when a host mounts the module twice.
      const mine = (p: string) => `${p}/`.includes(`/${path}/`);
      document.paths = Object.fromEntries(Object.entries(document.paths).filter(([p]) => mine(p)));
      return document as unknown as Record<string, unknown>;
    }
  }
  Controller(path)(WebhooksAdminDocsController);
  if (guards.length > 0) UseGuards(...guards)(WebhooksAdminDocsController);
  return WebhooksAdminDocsController;
}
