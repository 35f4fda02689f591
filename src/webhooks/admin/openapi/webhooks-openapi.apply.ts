import type { Type } from '@nestjs/common';
import { WebhooksAdminController } from '../webhooks-admin.controller.js';
import { WEBHOOKS_MODEL_DOCS, WEBHOOKS_ROUTE_DOCS } from './webhooks-openapi.description.js';
import type { RouteDoc } from './webhooks-openapi.description.js';
import { WebhookErrorModel } from './webhooks-openapi.models.js';
import type { WebhooksSwagger } from './webhooks-swagger.loader.js';

/** The tag of the admin routes in an OpenAPI document. */
export const WEBHOOKS_OPENAPI_TAG = 'Live-chat webhooks';

const decorated = new WeakSet<object>();

/**
 * Puts swagger's decorators on the DTOs, the answer models and the admin routes
 * (once per swagger package loaded), tags the mounted controller and hides the
 * module's page and docs routes, so a host's own Swagger document shows the admin API.
 */
export function applyWebhooksOpenApi(
  swagger: WebhooksSwagger,
  controllers: { admin: Type<unknown>; hidden: Array<Type<unknown>> },
): void {
  if (!decorated.has(swagger)) {
    decorated.add(swagger);
    for (const [model, properties] of WEBHOOKS_MODEL_DOCS) {
      for (const [name, doc] of Object.entries(properties)) {
        swagger.ApiProperty({ required: true, ...doc } as never)(model.prototype, name);
      }
    }
    const proto = WebhooksAdminController.prototype as unknown as Record<string, unknown>;
    for (const [method, doc] of Object.entries(WEBHOOKS_ROUTE_DOCS) as Array<[string, RouteDoc]>) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, method);
      if (!descriptor) throw new Error(`OpenAPI description names ${method}, which WebhooksAdminController does not have.`);
      const decorators: MethodDecorator[] = [
        swagger.ApiOperation({
          // Stable names for generated clients, not the mounted controller's class name.
          operationId: `webhooks${method[0].toUpperCase()}${method.slice(1)}`,
          summary: doc.summary,
          ...(doc.description ? { description: doc.description } : {}),
        }),
        swagger.ApiResponse({
          status: doc.status,
          description: doc.summary,
          ...(doc.answer ? { type: doc.answer, isArray: doc.isArray ?? false } : {}),
          ...(doc.headers
            ? { headers: Object.fromEntries(Object.entries(doc.headers).map(([h, v]) => [h, { description: v, schema: { type: 'string' } }])) }
            : {}),
        }),
        ...Object.entries(doc.alsoStatus ?? {}).map(([status, description]) =>
          swagger.ApiResponse({ status: Number(status), description, ...(doc.answer ? { type: doc.answer, isArray: doc.isArray ?? false } : {}) }),
        ),
        ...Object.entries(doc.errors).map(([status, description]) =>
          swagger.ApiResponse({ status: Number(status), description, type: WebhookErrorModel }),
        ),
      ];
      for (const decorate of decorators) decorate(proto, method, descriptor);
    }
  }
  swagger.ApiTags(WEBHOOKS_OPENAPI_TAG)(controllers.admin);
  for (const hidden of controllers.hidden) swagger.ApiExcludeController()(hidden);
}
