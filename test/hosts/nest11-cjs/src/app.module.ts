import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhooksModule, WebhooksModuleOptions } from 'nestjs-chat-webhooks';
import { migrations } from './migrations';

export interface HostConfig {
  database: string;
  queuePrefix: string;
  webhooks?: WebhooksModuleOptions;
}

/** The environment the compatibility test gives this host; it refuses to start without it. */
export function hostConfigFromEnv(): HostConfig {
  const database = process.env.HOST_DB_NAME;
  const queuePrefix = process.env.HOST_QUEUE_PREFIX;
  if (!database || !queuePrefix) throw new Error('Set HOST_DB_NAME and HOST_QUEUE_PREFIX (the compatibility test does)');
  return { database, queuePrefix };
}

@Module({})
export class AppModule {
  static forRoot(config: HostConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'mysql',
          host: '127.0.0.1',
          port: 3306,
          username: 'root',
          password: '',
          database: config.database,
          autoLoadEntities: true,
          migrations,
          migrationsRun: true,
          retryAttempts: 0,
        }),
        BullModule.forRoot({ redis: { host: '127.0.0.1', port: 6379 }, prefix: config.queuePrefix }),
        EventEmitterModule.forRoot(),
        WebhooksModule.forRoot({ allowPrivateNetworks: true, ...config.webhooks }),
      ],
    };
  }
}
