import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Repository } from 'typeorm';
import { inboxMatches } from '../events/webhook-event.scope.js';
import type { ResolvedEventScope } from '../events/webhook-event.scope.js';
import { ALL_EVENTS, WEBHOOK_EVENT_NAMES, isWebhookEventName } from '../events/webhook-event.js';
import { WEBHOOKS_QUEUE } from '../webhooks.constants.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';

/**
 * How long a snapshot of the endpoints is trusted without a word from Redis. Every
 * admin write invalidates it at once in every process (pub/sub); this bounds what a
 * missed message (Redis down, a write made straight in SQL) can leave stale.
 */
export const WEBHOOK_ENDPOINT_CACHE_TTL_MS = 5_000;

/** How old a copy must be before a webhook missing from it makes it load again. */
const MISS_RELOAD_AFTER_MS = 1_000;

/** The enabled webhooks of one account (or the platform-wide ones), by the event they take. */
type ByEvent = Map<string, WebhookEndpoint[]>;

interface Snapshot {
  loadedAt: number;
  byId: Map<string, WebhookEndpoint>;
  /** Platform-wide webhooks (no account), by event. */
  platform: ByEvent;
  /** Each account's webhooks, by event: an event looks at its own account's lists only. */
  byAccount: Map<string, ByEvent>;
}

const NONE: readonly WebhookEndpoint[] = Object.freeze([]);

/**
 * The enabled webhooks indexed by account, then by event (`*` put under every event),
 * so that matching one event costs two map lookups and a walk of its own account's
 * few subscribers, however many accounts there are.
 */
export function indexWebhookEndpoints(all: Iterable<WebhookEndpoint>): Pick<Snapshot, 'platform' | 'byAccount'> {
  const platform: ByEvent = new Map();
  const byAccount = new Map<string, ByEvent>();
  for (const endpoint of all) {
    if (!endpoint.enabled) continue;
    let lists = platform;
    if (endpoint.accountId != null) {
      lists = byAccount.get(endpoint.accountId) ?? new Map();
      byAccount.set(endpoint.accountId, lists);
    }
    const events = endpoint.events.includes(ALL_EVENTS) ? WEBHOOK_EVENT_NAMES : new Set(endpoint.events.filter(isWebhookEventName));
    for (const event of events) {
      const list = lists.get(event);
      if (list) list.push(endpoint);
      else lists.set(event, [endpoint]);
    }
  }
  return { platform, byAccount };
}

/**
 * The webhooks of an index that take an event of `scope`: platform-wide ones and those of
 * the event's account, each when its `inboxIds` are empty or hold the event's inbox.
 */
export function matchWebhookEndpoints(index: Pick<Snapshot, 'platform' | 'byAccount'>, event: string, scope: ResolvedEventScope): WebhookEndpoint[] {
  const platform = index.platform.get(event) ?? NONE;
  const own = scope.accountKey === null ? NONE : (index.byAccount.get(scope.accountKey)?.get(event) ?? NONE);
  const out: WebhookEndpoint[] = [];
  for (const endpoint of platform) if (inboxMatches(endpoint.inboxIds, scope.inboxKey)) out.push(endpoint);
  for (const endpoint of own) if (inboxMatches(endpoint.inboxIds, scope.inboxKey)) out.push(endpoint);
  return out;
}

/**
 * The webhooks in memory: publishing finds the subscribers of an event, and an
 * attempt finds its webhook's URL and secrets, without a query. One SELECT loads
 * them all; an admin write anywhere drops every process's copy.
 */
@Injectable()
export class WebhookEndpointCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('WebhooksModule');
  private snapshot?: Snapshot;
  private loading?: Promise<Snapshot>;
  private generation = 0;
  private subscriber?: Redis;
  private readonly channel: string;
  /** What this copy says when it announces a change: its own message coming back is not news to it. */
  private readonly origin = randomUUID();

  constructor(
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue,
  ) {
    this.channel = queue.toKey('endpoints-changed');
  }

  onModuleInit(): void {
    // A connection of its own: one in subscriber mode can send nothing else.
    const subscriber = this.queue.client.duplicate({ lazyConnect: true, maxRetriesPerRequest: null, enableOfflineQueue: true });
    subscriber.on('error', () => undefined); // reconnects by itself; the TTL covers the gap
    // Another process's change; this one dropped its copy when it announced its own, and a
    // late echo would only drop a copy loaded since, which has the change already.
    subscriber.on('message', (_channel: string, from: string) => {
      if (from !== this.origin) this.drop();
    });
    // After a reconnect, what was said meanwhile is lost: start afresh.
    subscriber.on('ready', () => this.drop());
    subscriber.subscribe(this.channel).catch(() => undefined);
    this.subscriber = subscriber;
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  /**
   * The enabled webhooks that take `event` of `scope` (CONTRACT section 3): subscribed to it,
   * platform-wide or of the event's account, and of every inbox or of the event's.
   */
  async subscribed(event: string, scope: ResolvedEventScope): Promise<WebhookEndpoint[]> {
    return matchWebhookEndpoints(await this.current(), event, scope);
  }

  /**
   * One webhook as last loaded; undefined when it does not exist (deleted). A webhook this
   * copy does not know, loaded more than a second ago, is looked for once more in a fresh
   * load: it may have been created in another process a moment ago.
   */
  async get(id: string): Promise<WebhookEndpoint | undefined> {
    const snap = await this.current();
    const found = snap.byId.get(id);
    if (found || Date.now() - snap.loadedAt < MISS_RELOAD_AFTER_MS) return found;
    this.drop();
    return (await this.current()).byId.get(id);
  }

  /** A webhook changed here (its write committed): every process reloads before its next use. */
  invalidate(): void {
    this.drop();
    this.queue.client.publish(this.channel, this.origin).catch((err: Error) => {
      this.logger.warn(`Could not tell other processes that a webhook changed (${err.message}); they reload within ${WEBHOOK_ENDPOINT_CACHE_TTL_MS} ms.`);
    });
  }

  private drop(): void {
    this.generation++;
    this.snapshot = undefined;
    this.loading = undefined;
  }

  private current(): Promise<Snapshot> | Snapshot {
    const snap = this.snapshot;
    if (snap && Date.now() - snap.loadedAt < WEBHOOK_ENDPOINT_CACHE_TTL_MS) return snap;
    if (!this.loading) {
      const loading: Promise<Snapshot> = this.load().finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  private async load(): Promise<Snapshot> {
    const generation = this.generation;
    const loadedAt = Date.now();
    const all = await this.endpoints.find();
    const snap: Snapshot = { loadedAt, byId: new Map(all.map((e) => [e.id, e])), ...indexWebhookEndpoints(all) };
    // A change announced while this was loading may not be in it: keep it for this caller only.
    if (generation === this.generation) this.snapshot = snap;
    return snap;
  }
}
