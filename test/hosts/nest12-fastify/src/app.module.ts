import { BullModule } from '@nestjs/bull';
import { Module, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, DynamicModule, ExecutionContext } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhooksModule } from 'nestjs-chat-webhooks';
import type { WebhooksModuleOptions } from 'nestjs-chat-webhooks';
import { migrations } from './migrations.js';

export interface HostConfig {
  database: string;
  queuePrefix: string;
  adminToken?: string;
  webhooks?: WebhooksModuleOptions;
}

/** The environment the compatibility test gives this host; it refuses to start without it. */
export function hostConfigFromEnv(): HostConfig {
  const database = process.env.HOST_DB_NAME;
  const queuePrefix = process.env.HOST_QUEUE_PREFIX;
  if (!database || !queuePrefix) throw new Error('Set HOST_DB_NAME and HOST_QUEUE_PREFIX (the compatibility test does)');
  return { database, queuePrefix };
}

/** This app's admin auth: `Authorization: Bearer <token>`, 401 otherwise. */
export class BearerGuard implements CanActivate {
  constructor(private readonly token: string) {}

  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (headers.authorization !== `Bearer ${this.token}`) throw new UnauthorizedException('Missing or invalid admin token');
    return true;
  }
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
        WebhooksModule.forRootAsync({
          useFactory: () => ({ allowPrivateNetworks: true, ...config.webhooks }),
          adminGuards: config.adminToken ? [new BearerGuard(config.adminToken)] : [],
        }),
      ],
    };
  }
}
