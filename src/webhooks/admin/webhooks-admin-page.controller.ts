import { Controller, Get, Header, NotFoundException, Req } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { createHash } from 'node:crypto';
import { CreateWebhookDto } from '../endpoints/dto/create-webhook.dto.js';
import { renderWebhooksAdminPage } from './webhooks-admin.page.js';
import { FastifyRoutePaths, trailingRest } from './webhooks-trailing-slash.js';

/** Whether the create body takes `rateLimit`: the form shows the field only then. */
function acceptsRateLimit(): boolean {
  return getMetadataStorage()
    .getTargetValidationMetadatas(CreateWebhookDto, '', true, false)
    .some((m) => m.propertyName === 'rateLimit');
}

function inlineHash(html: string, tag: 'script' | 'style'): string {
  const body = html.match(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`))?.[1] ?? '';
  return `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
}

/**
 * Serves the admin page at `/<adminPath>/ui` (and `/ui/`). The page holds no data and is not
 * behind `adminGuards` (a browser cannot send a bearer token when it navigates);
 * every API call it makes is. Its own script and style are the only ones allowed to run.
 */
export function createWebhooksAdminPageController(path: string): Type<unknown> {
  const html = renderWebhooksAdminPage(path, { rateLimit: acceptsRateLimit() });
  const csp = [
    "default-src 'none'",
    `script-src ${inlineHash(html, 'script')}`,
    `style-src ${inlineHash(html, 'style')}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

  @Controller(path)
  class WebhooksAdminPageController {
    @Get('ui')
    @FastifyRoutePaths('ui', 'ui/*')
    @Header('Content-Type', 'text/html; charset=utf-8')
    @Header('Content-Security-Policy', csp)
    @Header('X-Content-Type-Options', 'nosniff')
    @Header('Referrer-Policy', 'no-referrer')
    @Header('Cache-Control', 'no-store')
    page(@Req() request: { params?: Record<string, unknown> }): string {
      if (trailingRest(request)) throw new NotFoundException();
      return html;
    }
  }
  return WebhooksAdminPageController;
}
