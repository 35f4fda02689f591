import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import type { CanActivate, Type } from '@nestjs/common';
import { CreateWebhookDto } from '../endpoints/dto/create-webhook.dto.js';
import { ListDeliveriesQuery } from '../endpoints/dto/list-deliveries.query.js';
import { TestWebhookDto } from '../endpoints/dto/test-webhook.dto.js';
import { UpdateWebhookDto } from '../endpoints/dto/update-webhook.dto.js';
import { WebhooksService } from '../webhooks.service.js';

/** Validation at the edge: unknown fields and wrong types are refused with 400 naming the field. */
const validation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
});

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

  @Get(':id')
  get(@Param('id') id: string) {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() body: UpdateWebhookDto) {
    return this.webhooks.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Get(':id/secret')
  secret(@Param('id') id: string) {
    return this.webhooks.revealSecret(id);
  }

  @Post(':id/test')
  @HttpCode(200)
  test(@Param('id') id: string, @Body() body: TestWebhookDto) {
    return this.webhooks.test(id, body?.event);
  }

  @Get(':id/deliveries')
  deliveries(@Param('id') id: string, @Query() query: ListDeliveriesQuery) {
    return this.webhooks.listDeliveries(id, query);
  }

  @Get(':id/deliveries/:deliveryId')
  delivery(@Param('id') id: string, @Param('deliveryId') deliveryId: string) {
    return this.webhooks.getDelivery(id, deliveryId);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  redeliver(@Param('id') id: string, @Param('deliveryId') deliveryId: string) {
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
