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
  Res,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import type { CanActivate, Type } from '@nestjs/common';
import { CreateWebhookDto } from '../endpoints/dto/create-webhook.dto.js';
import { ListDeliveriesQuery } from '../endpoints/dto/list-deliveries.query.js';
import { ReplayDeliveriesDto } from '../endpoints/dto/replay-deliveries.dto.js';
import { TestWebhookDto } from '../endpoints/dto/test-webhook.dto.js';
import { UpdateWebhookDto } from '../endpoints/dto/update-webhook.dto.js';
import { WebhookStatsQuery } from '../endpoints/dto/webhook-stats.query.js';
import { WebhooksService } from '../webhooks.service.js';
import { WebhookIdPipe } from './webhook-id.pipe.js';
import { WebhooksValidationPipe } from './webhooks-validation.pipe.js';

const validation = new WebhooksValidationPipe();
const webhookIdPipe = new WebhookIdPipe('Webhook not found');
const deliveryIdPipe = new WebhookIdPipe('Delivery not found');

/** The admin REST API; mounted at `adminPath` behind `adminGuards` by `createWebhooksAdminController`. */
@UsePipes(validation)
export class WebhooksAdminController {
  constructor(protected readonly webhooks: WebhooksService) {}

  @Get()
  list() {
    return this.webhooks.list();
  }

  @Post()
  create(@Body() body: CreateWebhookDto) {
    return this.webhooks.create(body);
  }

  @Get('events')
  events() {
    return this.webhooks.catalog();
  }

  // Declared before `GET /:id`, which would otherwise take `stats` for an id.
  @Get('stats')
  stats() {
    return this.webhooks.stats();
  }

  @Get(':id')
  get(@Param('id', webhookIdPipe) id: string) {
    return this.webhooks.get(id);
  }

  @Get(':id/stats')
  webhookStats(@Param('id', webhookIdPipe) id: string, @Query() query: WebhookStatsQuery) {
    return this.webhooks.webhookStats(id, query.hours ?? 24);
  }

  @Patch(':id')
  update(@Param('id', webhookIdPipe) id: string, @Body() body: UpdateWebhookDto) {
    return this.webhooks.update(id, body);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id', webhookIdPipe) id: string) {
    return this.webhooks.resume(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', webhookIdPipe) id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  // The two answers that carry a secret: no cache (browser, proxy) may keep them.
  @Get(':id/secret')
  @Header('Cache-Control', 'no-store')
  secret(@Param('id', webhookIdPipe) id: string) {
    return this.webhooks.revealSecret(id);
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  rotateSecret(@Param('id', webhookIdPipe) id: string) {
    return this.webhooks.rotateSecret(id);
  }

  @Post(':id/test')
  @HttpCode(200)
  test(@Param('id', webhookIdPipe) id: string, @Body() body: TestWebhookDto) {
    return this.webhooks.test(id, body?.event);
  }

  @Get(':id/deliveries')
  deliveries(@Param('id', webhookIdPipe) id: string, @Query() query: ListDeliveriesQuery) {
    return this.webhooks.listDeliveries(id, query);
  }

  // Declared before `:deliveryId` routes so `replay` is never read as a delivery id.
  // 202: queued to be sent; a dry run sends nothing and answers 200.
  @Post(':id/deliveries/replay')
  @HttpCode(202)
  async replay(
    @Param('id', webhookIdPipe) id: string,
    @Body() body: ReplayDeliveriesDto,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ) {
    const answer = await this.webhooks.replay(id, body);
    if (body.dryRun) res.status(200);
    return answer;
  }

  @Get(':id/deliveries/:deliveryId')
  delivery(@Param('id', webhookIdPipe) id: string, @Param('deliveryId', deliveryIdPipe) deliveryId: string) {
    return this.webhooks.getDelivery(id, deliveryId);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  redeliver(@Param('id', webhookIdPipe) id: string, @Param('deliveryId', deliveryIdPipe) deliveryId: string) {
    return this.webhooks.redeliver(id, deliveryId);
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
