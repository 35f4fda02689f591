import type { Type } from '@nestjs/common';

/** Nest's route path metadata key (`PATH_METADATA` of `@nestjs/common`). */
const PATH_METADATA = 'path';
const TRAILING_SLASH = 'webhooks:trailing-slash';

/**
 * Marks a GET route that must answer with a trailing slash too (`/ui/` as `/ui`).
 * Express matches both already; Fastify's router, unless the host set
 * `ignoreTrailingSlash`, answers the slashed form 404.
 */
export function AlsoWithTrailingSlash(): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(TRAILING_SLASH, true, descriptor.value as object);
    return descriptor;
  };
}

interface AdapterLike {
  getType?(): string;
  getInstance?(): { initialConfig?: { ignoreTrailingSlash?: boolean; routerOptions?: { ignoreTrailingSlash?: boolean } } };
}

/**
 * On Fastify without `ignoreTrailingSlash`, gives each marked route a second path,
 * `<path>/*`, which find-my-way matches for `<path>/` (and deeper paths, which the
 * handler answers 404: see `trailingRest`). Called before the routes are registered.
 */
export function addTrailingSlashRoutes(adapter: AdapterLike | undefined, controllers: Array<Type<unknown>>): void {
  if (adapter?.getType?.() !== 'fastify') return;
  const config = adapter.getInstance?.().initialConfig;
  if (config?.ignoreTrailingSlash || config?.routerOptions?.ignoreTrailingSlash) return;
  for (const controller of controllers) {
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (typeof handler !== 'function' || !Reflect.getMetadata(TRAILING_SLASH, handler)) continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[];
      if (Array.isArray(path)) continue; // done already (the same class seen twice)
      Reflect.defineMetadata(PATH_METADATA, [path, `${path.replace(/\/+$/, '')}/*`], handler);
    }
  }
}

/** What came after `<path>/` in a request matched by the route `addTrailingSlashRoutes` added; '' for none. */
export function trailingRest(request: { params?: Record<string, unknown> }): string {
  const rest = request.params?.['*'];
  return typeof rest === 'string' ? rest : '';
}

/** Whether the request's path (without its query) ends with a slash. */
export function endsWithSlash(request: { originalUrl?: string; url?: string }): boolean {
  const url = request.originalUrl ?? request.url ?? '';
  const path = url.split('?')[0];
  return path.endsWith('/');
}
