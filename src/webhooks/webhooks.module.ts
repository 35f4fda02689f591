import { HttpService } from '@nestjs/axios';
import { BullModule } from '@nestjs/bull';
import { ConfigurableModuleBuilder, Inject, Module } from '@nestjs/common';
import type { DynamicModule, NestModule, Provider, Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WEBHOOKS_MODULE_CLASS, WEBHOOKS_SWAGGER, createWebhooksAdminDocsController } from './admin/webhooks-admin-docs.controller.js';
import { createWebhooksAdminPageController } from './admin/webhooks-admin-page.controller.js';
import { createWebhooksAdminController } from './admin/webhooks-admin.controller.js';
import { WebhookAdminScopes } from './admin/webhook-admin.scopes.js';
import { applyWebhooksOpenApi } from './admin/openapi/webhooks-openapi.apply.js';
import { addTrailingSlashRoutes } from './admin/webhooks-trailing-slash.js';
import { loadSwagger } from './admin/openapi/webhooks-swagger.loader.js';
import { WebhookAfterCommit } from './events/webhook-after-commit.js';
import { WEBHOOKS_QUEUE_SETTINGS, WebhookDeliveryQueue } from './engine/webhook-delivery.queue.js';
import { WebhookDeliveryPruner } from './delivery-log/webhook-delivery.pruner.js';
import { WebhookDeliveryReconciler } from './engine/webhook-delivery.reconciler.js';
import { WebhookDeliveryReplay } from './delivery-log/webhook-delivery.replay.js';
import { WebhookDeliveryRunner } from './engine/webhook-delivery.runner.js';
import { WebhookDeliveryStore } from './delivery-log/webhook-delivery.store.js';
import { WebhookDeliveryWorker } from './engine/webhook-delivery.worker.js';
import { WebhookDeliveryWriter } from './engine/webhook-delivery.writer.js';
import { WebhookEndpointGate } from './engine/webhook-endpoint.gate.js';
import { WebhookEndpointCache } from './endpoints/webhook-endpoint.cache.js';
import { WebhookHttpSender } from './engine/webhook-http.sender.js';
import { WebhookPublisher } from './events/webhook.publisher.js';
import { WebhookEndpointsService } from './endpoints/webhook-endpoints.service.js';
import { WebhookEventListener } from './events/webhook-event.listener.js';
import { WebhookPayloadFactory } from './events/webhook-payload.factory.js';
import { WebhookSecretBox } from './security/webhook-secret.box.js';
import { WebhookUrlPolicy } from './security/webhook-url.policy.js';
import { WebhookBreakerControl } from './stats/webhook-breaker.control.js';
import { WebhookBreakerState } from './stats/webhook-breaker.state.js';
import { WebhookStats } from './stats/webhook.stats.js';
import { WebhookTelemetry } from './telemetry/webhook.telemetry.js';
import { WEBHOOKS_MODULE_OPTIONS, WEBHOOKS_QUEUE, WEBHOOKS_RESOLVED_OPTIONS, WEBHOOKS_TRANSPORT } from './webhooks.constants.js';
import { webhookEntities } from './webhooks.entities.js';
import { DEFAULT_EXTRAS, resolveWebhooksExtras, resolveWebhooksOptions } from './webhooks.options.js';
import type { WebhooksModuleExtras, WebhooksModuleOptions } from './webhooks.options.js';
import { WebhooksService } from './webhooks.service.js';
import { createWebhookHttpService } from './engine/webhook-axios.js';

const WEBHOOKS_MODULE_EXTRAS = Symbol('WEBHOOKS_MODULE_EXTRAS');
/** The controllers this instance of the module serves (none on a worker-only process). */
const WEBHOOKS_CONTROLLERS = Symbol('WEBHOOKS_CONTROLLERS');

function shapeModule(definition: DynamicModule, given: WebhooksModuleExtras): DynamicModule {
  const extras = resolveWebhooksExtras(given);
  const admin = createWebhooksAdminController(extras.adminPath, extras.adminGuards);
  const page = extras.adminUi ? createWebhooksAdminPageController(extras.adminPath) : undefined;
  const docs = extras.adminDocs ? createWebhooksAdminDocsController(extras.adminPath, extras.adminGuards) : undefined;
  const providers: Provider[] = [
    ...(definition.providers ?? []),
    { provide: WEBHOOKS_MODULE_EXTRAS, useValue: extras },
    {
      provide: WEBHOOKS_RESOLVED_OPTIONS,
      useFactory: (options: WebhooksModuleOptions, x: WebhooksModuleExtras) => resolveWebhooksOptions(options, x),
      inject: [WEBHOOKS_MODULE_OPTIONS, WEBHOOKS_MODULE_EXTRAS],
    },
    { provide: WEBHOOKS_MODULE_CLASS, useValue: definition.module },
    {
      // Always, adminDocs or not: the decorators also put the admin API in the host's own Swagger document.
      provide: WEBHOOKS_SWAGGER,
      useFactory: async () => {
        const swagger = await loadSwagger();
        if (swagger) applyWebhooksOpenApi(swagger, { admin, hidden: [page, docs].filter((c) => c !== undefined) });
        return swagger ?? null;
      },
    },
    WebhookUrlPolicy,
    WebhookSecretBox,
    WebhookPayloadFactory,
    WebhookEndpointCache,
    WebhookEndpointsService,
    WebhookDeliveryStore,
    WebhookDeliveryWriter,
    WebhookEndpointGate,
    WebhookDeliveryQueue,
    WebhookAfterCommit,
    // The module's own, not the host's or axios' global instance: see createWebhookHttpService.
    { provide: HttpService, useFactory: createWebhookHttpService },
    WebhookHttpSender,
    {
      provide: WEBHOOKS_TRANSPORT,
      useFactory: (options: WebhooksModuleOptions, sender: WebhookHttpSender) => options.transport ?? sender,
      inject: [WEBHOOKS_MODULE_OPTIONS, WebhookHttpSender],
    },
    WebhookDeliveryRunner,
    WebhookDeliveryReplay,
    WebhookPublisher,
    WebhookEventListener,
    WebhookBreakerState,
    WebhookBreakerControl,
    WebhookStats,
    WebhookTelemetry,
    WebhooksService,
    WebhookAdminScopes,
  ];
  if (extras.processDeliveries) providers.push(WebhookDeliveryWorker, WebhookDeliveryReconciler, WebhookDeliveryPruner);
  // The page and the docs go first: the API's `GET /:id` would otherwise answer `/ui` and `/docs`.
  const controllers = extras.adminApi ? [...(page ? [page] : []), ...(docs ? [docs] : []), admin] : [];
  providers.push({ provide: WEBHOOKS_CONTROLLERS, useValue: controllers });
  return {
    ...definition,
    imports: [
      ...(definition.imports ?? []),
      TypeOrmModule.forFeature(webhookEntities),
      BullModule.registerQueue({ name: WEBHOOKS_QUEUE, settings: WEBHOOKS_QUEUE_SETTINGS }),
    ],
    controllers,
    providers,
    exports: [WebhooksService, WebhookPublisher, WEBHOOKS_RESOLVED_OPTIONS],
  };
}

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<WebhooksModuleOptions>({
  optionsInjectionToken: WEBHOOKS_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<WebhooksModuleExtras>({ ...DEFAULT_EXTRAS }, shapeModule)
  .build();

/**
 * Outgoing webhooks for a live-chat backend. Import once with `forRoot()` or
 * `forRootAsync()`; the host provides TypeORM, Bull and the event emitter.
 */
@Module({})
export class WebhooksModule extends ConfigurableModuleClass implements NestModule {
  constructor(
    @Inject(WEBHOOKS_CONTROLLERS) private readonly controllers: Array<Type<unknown>>,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
  }

  /** Runs once the HTTP adapter is known and before the routes are registered. */
  configure(): void {
    // `/ui/` and `/docs/` answer on Fastify too, as they do on Express.
    addTrailingSlashRoutes(this.adapterHost.httpAdapter, this.controllers);
  }
}
