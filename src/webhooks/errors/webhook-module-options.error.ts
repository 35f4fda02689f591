/**
 * Options that shape the module (which controllers and workers exist) were
 * returned from `forRootAsync`'s `useFactory`, where they would be ignored:
 * the module's shape is fixed before any factory runs.
 */
export class WebhookModuleOptionsError extends Error {
  readonly code = 'WEBHOOK_MODULE_OPTIONS';

  constructor(readonly options: string[]) {
    const names = options.map((o) => `"${o}"`).join(', ');
    const example = options.map((o) => `${o}: ...`).join(', ');
    super(
      `WebhooksModule.forRootAsync: ${names} ${options.length === 1 ? 'was' : 'were'} returned from useFactory, where ` +
        `${options.length === 1 ? 'it has' : 'they have'} no effect: they decide which controllers and workers exist before any factory runs. ` +
        `Put ${options.length === 1 ? 'it' : 'them'} beside useFactory instead: WebhooksModule.forRootAsync({ imports, inject, useFactory, ${example} }).`,
    );
    this.name = 'WebhookModuleOptionsError';
  }
}
