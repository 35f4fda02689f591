/** `@nestjs/swagger`, an optional peer: undefined when the host has not installed it. */
export type WebhooksSwagger = typeof import('@nestjs/swagger');

let loading: Promise<WebhooksSwagger | undefined> | undefined;

function notInstalled(err: unknown, name: string): boolean {
  const e = err as { code?: string; message?: string };
  return (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && String(e.message).includes(name);
}

/** Loads `@nestjs/swagger` once (a dynamic import: the same in the ES module and the CommonJS build). */
export function loadSwagger(): Promise<WebhooksSwagger | undefined> {
  loading ??= import('@nestjs/swagger').then(
    (m) => m,
    (err: unknown) => {
      if (notInstalled(err, '@nestjs/swagger')) return undefined;
      throw err;
    },
  );
  return loading;
}

/** The folder of Swagger UI's files (`swagger-ui-dist`, which `@nestjs/swagger` brings), or undefined. */
export async function swaggerUiFolder(): Promise<string | undefined> {
  const specifier = 'swagger-ui-dist/absolute-path.js'; // a variable: the package ships no types
  try {
    const m = (await import(specifier)) as { default?: () => string } | (() => string);
    const fn = typeof m === 'function' ? m : m.default;
    return typeof fn === 'function' ? fn() : undefined;
  } catch {
    return undefined;
  }
}
