import { Controller, Get, Header, Inject, InternalServerErrorException, Logger, NotFoundException, Param, Req, StreamableFile } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { CreateWebhookDto } from '../endpoints/dto/create-webhook.dto.js';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import { renderWebhooksAdminPage } from './webhooks-admin.page.js';
import { FastifyRoutePaths, requestPath, trailingRest } from './webhooks-trailing-slash.js';
import type { WebhooksAdminUiBundle } from './webhooks-admin.page.js';

/** Whether the create body takes `rateLimit`: the form shows the field only then. */
function acceptsRateLimit(): boolean {
  return getMetadataStorage()
    .getTargetValidationMetadatas(CreateWebhookDto, '', true, false)
    .some((m) => m.propertyName === 'rateLimit');
}

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** Only the page's own files run or style it: no inline script or style, no other origin. */
export const WEBHOOKS_ADMIN_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

let loading: Promise<WebhooksAdminUiBundle> | undefined;

/**
 * The bundled page. Built, `./ui/manifest.js` is the one scripts/build-ui.mjs wrote beside the
 * hashed files; from the sources it is ui/manifest.ts, which bundles them on first use.
 * A variable specifier: the same dynamic import in the ES module and the CommonJS build.
 */
function loadBundle(): Promise<WebhooksAdminUiBundle> {
  const specifier = './ui/manifest.js';
  loading ??= (import(specifier) as Promise<{ loadWebhooksAdminUi: () => Promise<WebhooksAdminUiBundle> }>)
    .then((m) => m.loadWebhooksAdminUi())
    .catch((err: unknown) => {
      loading = undefined;
      new Logger('WebhooksAdminPage').error(`The admin page's files are missing or unreadable (run npm run build in this package): ${String(err)}`);
      throw new InternalServerErrorException('The admin page is not built: run npm run build in nestjs-chat-webhooks.');
    });
  return loading;
}

/**
 * Serves the admin page at `/<adminPath>/ui` (and `/ui/`) and its bundled files at `/<adminPath>/ui/assets/<name>`.
 * They hold no data and are not behind `adminGuards` (a browser cannot send a bearer token when it
 * navigates); every API call the page makes is. The files have content-hashed names, so they are cached for good.
 */
export function createWebhooksAdminPageController(path: string): Type<unknown> {
  const rateLimit = acceptsRateLimit();

  @Controller(path)
  class WebhooksAdminPageController {
    constructor(@Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions) {}

    @Get('ui')
    @FastifyRoutePaths('ui', 'ui/*')
    @Header('Content-Type', 'text/html; charset=utf-8')
    @Header('Content-Security-Policy', WEBHOOKS_ADMIN_PAGE_CSP)
    @Header('X-Content-Type-Options', 'nosniff')
    @Header('Referrer-Policy', 'no-referrer')
    @Header('Cache-Control', 'no-store')
    async page(@Req() req: { originalUrl?: string; url?: string; params?: Record<string, unknown> }): Promise<string> {
      // On Fastify `ui/*` also takes `/ui/`: anything deeper is not the page.
      if (trailingRest(req)) throw new NotFoundException();
      const bundle = await loadBundle();
      const here = requestPath(req);
      const assets = here.endsWith('/') ? `${here}assets/` : `${here}/assets/`;
      return renderWebhooksAdminPage(assets, bundle, { rateLimit, requireHttps: this.options.requireHttps });
    }

    @Get('ui/assets/:file')
    @Header('X-Content-Type-Options', 'nosniff')
    @Header('Cache-Control', 'public, max-age=31536000, immutable')
    async asset(@Param('file') file: string): Promise<StreamableFile> {
      const bundle = await loadBundle();
      const body = bundle.files.get(file);
      const type = TYPES[file.split('.').pop() ?? ''];
      if (!body || !type) throw new NotFoundException(`No admin page file ${file}`);
      return new StreamableFile(body, { type, length: body.length });
    }
  }
  return WebhooksAdminPageController;
}
