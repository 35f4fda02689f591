import type { Type } from '@nestjs/common';

/** Nest's route path metadata key (`PATH_METADATA` of `@nestjs/common`). */
const PATH_METADATA = 'path';
const FASTIFY_PATHS = 'webhooks:fastify-paths';

/**
 * The paths a route takes on Fastify when its router does not ignore trailing slashes
 * (the default): Express matches `/ui/` for `ui`, Fastify answers it 404. A `<path>/*`
 * matches `<path>/`, and deeper paths, which the handler answers 404 (`trailingRest`).
 * find-my-way tries no wildcard after a parameter of the same segment failed on an
 * empty value, so `docs/:asset` and `docs/*` cannot both serve `/docs/`: one route
 * takes them all.
 */
export function FastifyRoutePaths(...paths: string[]): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(FASTIFY_PATHS, paths, descriptor.value as object);
    return descriptor;
  };
}

interface AdapterLike {
  getType?(): string;
  getInstance?(): { initialConfig?: { ignoreTrailingSlash?: boolean; routerOptions?: { ignoreTrailingSlash?: boolean } } };
}

/**
 * On Fastify without `ignoreTrailingSlash`, gives each route marked with
 * `FastifyRoutePaths` those paths. Called before the routes are registered.
 */
export function addTrailingSlashRoutes(adapter: AdapterLike | undefined, controllers: Array<Type<unknown>>): void {
  if (adapter?.getType?.() !== 'fastify') return;
  const config = adapter.getInstance?.().initialConfig;
  if (config?.ignoreTrailingSlash || config?.routerOptions?.ignoreTrailingSlash) return;
  for (const controller of controllers) {
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      const paths = typeof handler === 'function' ? (Reflect.getMetadata(FASTIFY_PATHS, handler) as string[] | undefined) : undefined;
      if (paths) Reflect.defineMetadata(PATH_METADATA, paths, handler as object);
    }
  }
}

/** What came after `<path>/` in a request matched by a `<path>/*` route; '' for none, or another route. */
export function trailingRest(request: { params?: Record<string, unknown> }): string {
  const rest = request.params?.['*'];
  return typeof rest === 'string' ? rest : '';
}

/** The request's address as the browser asked for it (global prefix and trailing slash included), without its query. */
export function requestPath(request: { originalUrl?: string; url?: string }): string {
  return (request.originalUrl ?? request.url ?? '').split('?')[0];
}

/** Whether the request's path (without its query) ends with a slash. */
export function endsWithSlash(request: { originalUrl?: string; url?: string }): boolean {
  return requestPath(request).endsWith('/');
}
