import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ensureDatabase, redactUrl } from './chat/ensure-database.js';
import { createDemoApp } from './app.module.js';
import { DemoConfigError, loadDemoConfig } from './demo.config.js';

const logger = new Logger('LiveChatDemo');

/**
 * `npm start`: the demo live-chat backend, configured from the environment (CONTRACT section 5).
 * `npm run start:worker` (`node dist/main.js --worker`): the same app as a delivery worker alone.
 */
async function bootstrap(): Promise<void> {
  const worker = process.argv.includes('--worker');
  const config = { ...loadDemoConfig(process.env), role: worker ? ('worker' as const) : ('api' as const) };
  for (const warning of config.warnings) logger.warn(warning);

  if (await ensureDatabase(config.databaseUrl)) {
    logger.log(`Created database ${redactUrl(config.databaseUrl)}`);
  }

  const app = await createDemoApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port);

  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  if (worker) {
    logger.log(`Webhook delivery worker listening on ${url} (GET /health)`);
    return;
  }
  const adminPath = (config.webhooks.adminPath ?? 'admin/live-chat/webhooks').replace(/^\/+|\/+$/g, '');
  logger.log(`Live-chat demo listening on ${url}`);
  logger.log(
    `Webhooks admin API: ${url}/${adminPath}` +
      (config.adminToken || config.accountTokens
        ? ' (send Authorization: Bearer <ADMIN_TOKEN>, or an account\'s token from ACCOUNT_TOKENS)'
        : ' (open: set ADMIN_TOKEN to protect it)'),
  );
}

bootstrap().catch((err: unknown) => {
  if (err instanceof DemoConfigError) {
    logger.error(err.message);
  } else {
    logger.error(`The demo could not start: ${(err as Error)?.message ?? String(err)}`, (err as Error)?.stack);
  }
  process.exit(1);
});
