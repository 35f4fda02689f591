import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BullModule } from '@nestjs/bull';
import { Injectable, Module } from '@nestjs/common';
import type { CanActivate, ExecutionContext, INestApplication } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { BadRequestException } from '@nestjs/common';
import { WebhookEvent, WebhookModuleOptionsError, WebhookPayloadMappingError, WebhookPublisher, WebhooksModule, WebhooksService, webhookMigrations } from '../src/webhooks/index.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { MYSQL, REDIS, createTestDatabase, dropQueueKeys, uniqueName } from './support/services.js';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../src/webhooks/webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../src/webhooks/webhooks.options.js';
import { selfSignedCertificate } from './support/tls.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

@Injectable()
class HeaderGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    return ctx.switchToHttp().getRequest().headers['x-admin'] === 'yes';
  }
}

class SettingsService {
  readonly timeout = 4321;
}

@Module({ providers: [SettingsService], exports: [SettingsService] })
class SettingsModule {}

describe('WebhooksModule.forRootAsync with module-shaping options beside the factory', () => {
  let app: INestApplication;
  let drop: () => Promise<void>;
  let database: string;
  const prefix = uniqueName('whq');
  let factoryCalls = 0;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    database = db.name;
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'mysql', host: MYSQL.host, port: MYSQL.port, username: MYSQL.user, database: db.name, autoLoadEntities: true, migrations: webhookMigrations, migrationsRun: true, retryAttempts: 0 }),
        BullModule.forRoot({ redis: REDIS, prefix }),
        EventEmitterModule.forRoot(),
        WebhooksModule.forRootAsync({
          imports: [SettingsModule],
          inject: [SettingsService],
          useFactory: (settings: SettingsService) => {
            factoryCalls++;
            return { requestTimeoutMs: settings.timeout, allowPrivateNetworks: true };
          },
          adminPath: '/backoffice/hooks/',
          adminGuards: [HeaderGuard, { canActivate: () => true }],
          processDeliveries: false,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
    await dropQueueKeys(prefix);
  });

  it('mounts the admin API at adminPath behind every guard, with the factory options applied', async () => {
    const http = request(app.getHttpServer());
    await http.get('/admin/live-chat/webhooks').expect(404);
    const refused = await http.get('/backoffice/hooks').expect(403);
    expect(refused.body).toMatchObject({ statusCode: 403, message: 'Forbidden resource' });
    await http.get('/backoffice/hooks/events').expect(403);
    await http.get('/backoffice/hooks').set('x-admin', 'yes').expect(200, []);
    expect(factoryCalls).toBe(1);
    const resolved = app.get<ResolvedWebhooksOptions>(WEBHOOKS_RESOLVED_OPTIONS);
    expect(resolved).toMatchObject({ requestTimeoutMs: 4321, adminPath: 'backoffice/hooks', processDeliveries: false, retryDelaysMs: [60_000, 300_000, 1_200_000, 3_600_000, 7_200_000] });
  });

  it('records deliveries but does not send them where processDeliveries is false; a worker-only process sends them', async () => {
    const receiver = await HttpsReceiver.start();
    try {
      const http = request(app.getHttpServer());
      await http.post('/backoffice/hooks').set('x-admin', 'yes').send({ name: 'api-only', url: receiver.url(), events: ['*'] }).expect(201);
      const [ids] = (await app.get(EventEmitter2).emitAsync(WebhookEvent.TakeoverRequested, { conversation: { id: 1 } })) as string[][];
      expect(ids).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 1000));
      expect(receiver.requests).toHaveLength(0);
      const ds = app.get<DataSource>(getDataSourceToken());
      const [row] = await ds.query('SELECT status, attempts FROM webhook_deliveries WHERE id = ?', [ids[0]]);
      expect(row).toEqual({ status: 'pending', attempts: 0 });

      // A worker-only process as the README shows it: no HTTP at all, the worker beside useFactory.
      @Module({
        imports: [
          TypeOrmModule.forRoot({ type: 'mysql', host: MYSQL.host, port: MYSQL.port, username: MYSQL.user, database, autoLoadEntities: true, retryAttempts: 0 }),
          BullModule.forRoot({ redis: REDIS, prefix }),
          EventEmitterModule.forRoot(),
          WebhooksModule.forRootAsync({
            useFactory: () => ({ allowPrivateNetworks: true, tls: { ca: selfSignedCertificate().cert } }),
            processDeliveries: true,
            adminApi: false,
          }),
        ],
      })
      class WorkerModule {}
      const worker = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error'] });
      try {
        const [delivered] = await receiver.waitFor(1, { timeoutMs: 30_000 });
        expect(delivered.headers['x-webhook-id']).toBe(ids[0]);
        await eventually(async () => {
          const [after] = await ds.query('SELECT status FROM webhook_deliveries WHERE id = ?', [ids[0]]);
          return after.status === 'success' ? true : undefined;
        }, 10_000, 'the delivery recorded as sent');
      } finally {
        await worker.close();
      }
    } finally {
      await receiver.close();
    }
  });
});

describe('WebhooksModule.forRootAsync with module-shaping options returned from the factory', () => {
  const prefix = uniqueName('whq');
  let drop: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await drop?.();
    await dropQueueKeys(prefix);
  });

  it('refuses to start, naming the options and saying they go beside useFactory', async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    const started = Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'mysql', host: MYSQL.host, port: MYSQL.port, username: MYSQL.user, database: db.name, autoLoadEntities: true, retryAttempts: 0 }),
        BullModule.forRoot({ redis: REDIS, prefix }),
        EventEmitterModule.forRoot(),
        WebhooksModule.forRootAsync({
          // What a host might write to make an API-only node: too late here to stop the worker.
          useFactory: () => ({ allowPrivateNetworks: true, processDeliveries: false, adminApi: true }) as never,
        }),
      ],
    })
      .compile()
      .then(async (moduleRef) => {
        await moduleRef.close();
        return moduleRef;
      });
    const error = await started.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WebhookModuleOptionsError);
    expect((error as WebhookModuleOptionsError).options).toEqual(['adminApi', 'processDeliveries']);
    expect((error as Error).message).toMatch(/"adminApi", "processDeliveries" were returned from useFactory/);
    expect((error as Error).message).toContain('beside useFactory');
  });
});

describe('WebhookPublisher and host mappers', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;

  beforeAll(async () => {
    receiver = await HttpsReceiver.start();
    host = await bootWebhooksHost({
      options: {
        payloadMappers: {
          [WebhookEvent.ContactCreated]: (c: { uuid: string; fullName: string }) => ({ contact_id: c.uuid, name: c.fullName }),
          [WebhookEvent.ContactBanned]: () => {
            throw new Error('contact has no id');
          },
        },
      },
    });
    await host.http.post(host.admin).send({ name: 'all', url: receiver.url(), events: ['*'] }).expect(201);
  });

  afterAll(async () => {
    await host?.close();
    await receiver?.close();
  });

  const count = async () => Number((await host.dataSource.query('SELECT COUNT(*) AS n FROM webhook_deliveries'))[0].n);

  it("uses the host's mapper for an event", async () => {
    await host.publisher.publish(WebhookEvent.ContactCreated, { uuid: 'c-1', fullName: 'Grace' });
    const [req] = await receiver.waitFor(1);
    expect((req.body as { data: unknown }).data).toEqual({ contact_id: 'c-1', name: 'Grace' });
  });

  it('rejects emitAsync and publish with an error naming the event when a mapper throws, recording nothing', async () => {
    const before = await count();
    await expect(host.emitter.emitAsync(WebhookEvent.ContactBanned, { id: 1 })).rejects.toThrow(/contact\.banned.*contact has no id/);
    const error = await host.publisher.publish(WebhookEvent.ContactBanned, { id: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookPayloadMappingError);
    expect((error as WebhookPayloadMappingError).event).toBe('contact.banned');
    expect(await count()).toBe(before);
  });

  it('writes rows in the host transaction and sends them only after it commits', async () => {
    const received = receiver.requests.length;
    let ids: string[] = [];
    await host.dataSource.transaction(async (manager) => {
      ids = await host.publisher.publish(WebhookEvent.TagAdded, { conversation: { id: 5 }, tag: 'vip' }, { manager });
      const outside = await host.dataSource.query('SELECT COUNT(*) AS n FROM webhook_deliveries WHERE id = ?', [ids[0]]);
      expect(Number(outside[0].n)).toBe(0); // not visible before the commit
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.requests.length).toBe(received); // and not sent
    });
    const [req] = (await receiver.waitFor(received + 1)).slice(received);
    expect(req.headers['x-webhook-id']).toBe(ids[0]);
  });

  it('writes nothing and sends nothing when the host transaction rolls back', async () => {
    const before = await count();
    const received = receiver.requests.length;
    await expect(
      host.dataSource.transaction(async (manager) => {
        await host.publisher.publish(WebhookEvent.TagAdded, { conversation: { id: 6 }, tag: 'spam' }, { manager });
        throw new Error('chat write failed');
      }),
    ).rejects.toThrow('chat write failed');
    await new Promise((r) => setTimeout(r, 500));
    expect(await count()).toBe(before);
    expect(receiver.requests.length).toBe(received);
  });

  it('validates a plain object given to WebhooksService as the admin API validates its body', async () => {
    const webhooks = host.app.get(WebhooksService);
    const bad = await webhooks.create({ name: 'x\r\ny', url: 'http://example.com', events: ['nope'] } as never).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestException);
    expect(JSON.stringify((bad as BadRequestException).getResponse())).toMatch(/name/);
    const created = await webhooks.create({ name: 'From code', url: receiver.url('/code'), events: ['tag.added'] } as never);
    expect(created).toMatchObject({ name: 'From code', enabled: true, hasSecret: false });
    await expect(webhooks.update(created.id, { enabled: 'yes' } as never)).rejects.toBeInstanceOf(BadRequestException);
    await webhooks.remove(created.id);
  });

  it('rejects an unknown event name', async () => {
    await expect(host.publisher.publish('chat.exploded' as never, {})).rejects.toThrow(/Unknown webhook event "chat.exploded"/);
  });

  it('keeps a plain emit working: rows appear shortly after', async () => {
    const received = receiver.requests.length;
    host.emitter.emit(WebhookEvent.TakeoverRequested, { conversation: { id: 9 } });
    await eventually(() => (receiver.requests.length > received ? true : undefined), 10_000, 'the takeover delivery');
  });
});
