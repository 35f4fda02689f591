import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import type { CanActivate, Type } from '@nestjs/common';
import { CreateWebhookDto } from '../endpoints/dto/create-webhook.dto.js';
import { ListWebhooksQuery } from '../endpoints/dto/list-webhooks.query.js';
import { ListDeliveriesQuery } from '../endpoints/dto/list-deliveries.query.js';
import { ReplayDeliveriesDto } from '../endpoints/dto/replay-deliveries.dto.js';
import { TestWebhookDto } from '../endpoints/dto/test-webhook.dto.js';
import { UpdateWebhookDto } from '../endpoints/dto/update-webhook.dto.js';
import { WebhookStatsQuery } from '../endpoints/dto/webhook-stats.query.js';
import { WebhooksService } from '../webhooks.service.js';
import { WebhookAdminScopes } from './webhook-admin.scopes.js';
import { WebhookIdPipe } from './webhook-id.pipe.js';
import { WebhooksValidationPipe } from './webhooks-validation.pipe.js';

const validation = new WebhooksValidationPipe();
const webhookIdPipe = new WebhookIdPipe('Webhook not found');
const deliveryIdPipe = new WebhookIdPipe('Delivery not found');

/**
 * The admin REST API; mounted at `adminPath` behind `adminGuards` by `createWebhooksAdminController`.
 * Every route but the catalog acts inside the caller's account when `adminScope` gives one.
 */
@UsePipes(validation)
export class WebhooksAdminController {
  constructor(
    protected readonly webhooks: WebhooksService,
    protected readonly scopes: WebhookAdminScopes,
  ) {}

  /** The account the request is limited to (undefined: every account). */
  protected account(request: unknown): Promise<string | undefined> {
    return this.scopes.accountOf(request);
  }

  @Get()
  async list(@Req() req: unknown, @Query() query: ListWebhooksQuery) {
    return this.webhooks.list({ accountId: query.accountId }, await this.account(req));
  }

  @Post()
  async create(@Req() req: unknown, @Body() body: CreateWebhookDto) {
    return this.webhooks.create(body, await this.account(req));
  }

  @Get('events')
  events() {
    return this.webhooks.catalog();
  }

  // Declared before `GET /:id`, which would otherwise take `scope` or `stats` for an id.
  @Get('scope')
  async scope(@Req() req: unknown) {
    return this.webhooks.scope(await this.account(req));
  }

  @Get('stats')
  async stats(@Req() req: unknown) {
    return this.webhooks.stats(await this.account(req));
  }

  @Get(':id')
  async get(@Req() req: unknown, @Param('id', webhookIdPipe) id: string) {
    return this.webhooks.get(id, await this.account(req));
  }

  @Get(':id/stats')
  async webhookStats(@Req() req: unknown, @Param('id', webhookIdPipe) id: string, @Query() query: WebhookStatsQuery) {
    return this.webhooks.webhookStats(id, query.hours ?? 24, await this.account(req));
  }

  @Patch(':id')
  async update(@Req() req: unknown, @Param('id', webhookIdPipe) id: string, @Body() body: UpdateWebhookDto) {
    return this.webhooks.update(id, body, await this.account(req));
  }

  @Post(':id/resume')
  @HttpCode(200)
  async resume(@Req() req: unknown, @Param('id', webhookIdPipe) id: string) {
    return this.webhooks.resume(id, await this.account(req));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Req() req: unknown, @Param('id', webhookIdPipe) id: string): Promise<void> {
    await this.webhooks.remove(id, await this.account(req));
  }

  // The two answers that carry a secret: no cache (browser, proxy) may keep them.
  @Get(':id/secret')
  @Header('Cache-Control', 'no-store')
  async secret(@Req() req: unknown, @Param('id', webhookIdPipe) id: string) {
    return this.webhooks.revealSecret(id, await this.account(req));
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async rotateSecret(@Req() req: unknown, @Param('id', webhookIdPipe) id: string) {
    return this.webhooks.rotateSecret(id, await this.account(req));
  }

  @Post(':id/test')
  @HttpCode(200)
  async test(@Req() req: unknown, @Param('id', webhookIdPipe) id: string, @Body() body: TestWebhookDto) {
    return this.webhooks.test(id, body?.event, await this.account(req));
  }

  @Get(':id/deliveries')
  async deliveries(@Req() req: unknown, @Param('id', webhookIdPipe) id: string, @Query() query: ListDeliveriesQuery) {
    return this.webhooks.listDeliveries(id, query, await this.account(req));
  }

  // Declared before `:deliveryId` routes so `replay` is never read as a delivery id.
  // 202: queued to be sent; a dry run sends nothing and answers 200.
  @Post(':id/deliveries/replay')
  @HttpCode(202)
  async replay(
    @Req() req: unknown,
    @Param('id', webhookIdPipe) id: string,
    @Body() body: ReplayDeliveriesDto,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ) {
    const answer = await this.webhooks.replay(id, body, await this.account(req));
    if (body.dryRun) res.status(200);
    return answer;
  }

  @Get(':id/deliveries/:deliveryId')
  async delivery(@Req() req: unknown, @Param('id', webhookIdPipe) id: string, @Param('deliveryId', deliveryIdPipe) deliveryId: string) {
    return this.webhooks.getDelivery(id, deliveryId, await this.account(req));
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  async redeliver(@Req() req: unknown, @Param('id', webhookIdPipe) id: string, @Param('deliveryId', deliveryIdPipe) deliveryId: string) {
    return this.webhooks.redeliver(id, deliveryId, await this.account(req));
  }
}

/**
 * A controller class of its own for each module instance, so that the path and
 * guards the host chose apply to it alone.
 */
export function createWebhooksAdminController(
  path: string,
  guards: Array<Type<CanActivate> | CanActivate>,
): Type<WebhooksAdminController> {
  class MountedWebhooksAdminController extends WebhooksAdminController {}
  Controller(path)(MountedWebhooksAdminController);
  if (guards.length > 0) UseGuards(...guards)(MountedWebhooksAdminController);
  return MountedWebhooksAdminController;
}
