import type { CanActivate, Type } from '@nestjs/common';
import { rootCertificates } from 'node:tls';
import { defaultScopeOf } from './events/webhook-event.scope.js';
import type { WebhookScopeOf } from './events/webhook-event.scope.js';
import type { WebhookPayloadMappers } from './events/webhook-payload.mapper.js';
import { WebhookModuleOptionsError } from './errors/webhook-module-options.error.js';
import { WebhookAllowList } from './security/webhook-allow-list.js';
import { systemDnsLookup } from './security/webhook-dns.lookup.js';
import { DEFAULT_ADMIN_PATH } from './webhooks.constants.js';
import type { WebhookDnsLookup, WebhookTlsOptions, WebhookTransport } from './webhooks.types.js';
import { WEBHOOKS_PACKAGE_NAME, WEBHOOKS_PACKAGE_VERSION } from './webhooks.version.js';

/** Options of `WebhooksModule.forRoot()`; every field is optional. */
export interface WebhooksModuleOptions {
  /** Reject non-HTTPS endpoint URLs on create/update and at delivery. Default `true`. */
  requireHttps?: boolean;
  /** Allow endpoints on loopback, private, link-local, CGNAT, multicast or metadata addresses. Default `false`. */
  allowPrivateNetworks?: boolean;
  /**
   * Hosts and networks allowed although private, while `allowPrivateNetworks` is false: host names
   * (`n8n.internal`, `*.corp.example`), IP addresses or CIDR networks (`10.1.2.0/24`, `fd00::/8`).
   * A listed name may resolve to any address. Default `[]`.
   */
  allowedHosts?: string[];
  /**
   * Resolves endpoint host names, for the check on create/update and at connect time.
   * Default: the operating system's resolver (`dns.lookup`).
   */
  dnsLookup?: WebhookDnsLookup;
  /** One attempt's limit, connect to last byte. Default `10000`. */
  requestTimeoutMs?: number;
  /** Delay before each retry; its length is the number of retries. Default 1 min, 5 min, 20 min, 1 h, 2 h. */
  retryDelaysMs?: number[];
  /** Consecutive failed deliveries (each after its last retry) that disable an endpoint. Default `5`. */
  autoDisableAfter?: number;
  /** How much of a response body is stored. Default `65536`. */
  maxResponseBodyBytes?: number;
  /** Deliveries in flight per worker process. Default `50`. */
  concurrency?: number;
  /**
   * Attempts in flight to one webhook at once, across all worker processes; its other
   * deliveries wait their turn without spending an attempt or holding a worker slot. Default `10`.
   */
  perEndpointConcurrency?: number;
  /**
   * Consecutive transient failures of one webhook (time-out, connection or TLS error, 429,
   * 502, 503, 504) that pause it: nothing is sent until a probe succeeds. Default `5`.
   */
  breakerThreshold?: number;
  /**
   * How long a paused webhook waits before one probe delivery; doubles after each failed
   * probe, up to 10 min. A longer `Retry-After` wins. Default `30000`.
   */
  breakerCooldownMs?: number;
  /** Delivery log rows older than this many days are pruned. Default `30`. */
  deliveryRetentionDays?: number;
  /**
   * How often a worker looks for due deliveries that have no queue job (Redis flushed or
   * restarted without persistence, a job lost in a crash) and queues them again. Keep it
   * well under a minute: a lost job is sent within this interval plus one attempt's lease.
   * Default `15000`.
   */
  reconcileIntervalMs?: number;
  /** Per-event functions that turn the host's emitted object into `data`. Default: the built-in mappers. */
  payloadMappers?: WebhookPayloadMappers;
  /** The User-Agent header. Default `nestjs-chat-webhooks/<version>`. */
  userAgent?: string;
  /** 32-byte key (raw, base64 or hex); when set, secrets are stored encrypted. Default unset. */
  secretEncryptionKey?: string | Buffer;
  /** Extra TLS settings of outgoing connections, e.g. the CA of an internal receiver. Default: Node's trust store. */
  tls?: WebhookTlsOptions;
  /**
   * What sends each request. Default: the HTTPS sender (address checks, time-out, no
   * redirects). A host's tests pass `WebhookTestTransport` from `<package>/testing`.
   */
  transport?: WebhookTransport;
  /**
   * Whose admin is calling the admin API: `{ accountId }` keeps every admin route inside
   * that account (another account's webhooks and deliveries answer 404), `null` is a
   * platform admin who sees everything. A function of the request, or an injectable class
   * (or an object) with `resolve(request)`; either may return a promise.
   * Default unset: one tenant, everything visible.
   */
  adminScope?: WebhookAdminScopeOption;
  /**
   * An emitted event's account and inbox, from the object the host emitted. Default: the
   * `accountId` / `inboxId` of the conversation, the message's conversation, the offline
   * message, and the contact's `accountId`.
   */
  scopeOf?: WebhookScopeOf;
}

/** The caller's admin scope: an account's admin, or `null` for a platform admin. */
export type WebhookAdminScope = { accountId: string } | null;

/** Resolves the admin scope of a request (the HTTP adapter's request object). */
export interface WebhookAdminScopeResolver {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resolve(request: any): WebhookAdminScope | Promise<WebhookAdminScope>;
}

/** The `adminScope` option: a function, an injectable class with `resolve(request)`, or such an object. */
export type WebhookAdminScopeOption =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  | ((request: any) => WebhookAdminScope | Promise<WebhookAdminScope>)
  | Type<WebhookAdminScopeResolver>
  | WebhookAdminScopeResolver;

/** Options that decide which controllers and workers exist; given beside `useFactory` in `forRootAsync`. */
export interface WebhooksModuleExtras {
  /** Route prefix of the admin API. Default `admin/live-chat/webhooks`. */
  adminPath?: string;
  /** Guards (classes or instances) in front of every admin route. Default none. */
  adminGuards?: Array<Type<CanActivate> | CanActivate>;
  /** Serve the admin REST API at `/<adminPath>`; false on worker-only nodes. Default `true`. */
  adminApi?: boolean;
  /** Serve the admin page at `/<adminPath>/ui` (with the admin API). Default `true`. */
  adminUi?: boolean;
  /**
   * Serve the OpenAPI document of the admin API at `/<adminPath>/docs-json` and Swagger UI at
   * `/<adminPath>/docs`, behind `adminGuards`, when `@nestjs/swagger` is installed. Default `true`.
   */
  adminDocs?: boolean;
  /** This process runs the delivery worker; `false` on API-only nodes. Default `true`. */
  processDeliveries?: boolean;
}

export type ResolvedWebhooksOptions = Required<Omit<WebhooksModuleOptions, 'secretEncryptionKey' | 'tls' | 'payloadMappers' | 'transport' | 'adminScope'>> &
  Required<WebhooksModuleExtras> & {
    secretEncryptionKey?: string | Buffer;
    transport?: WebhookTransport;
    adminScope?: WebhookAdminScopeOption;
    tls: WebhookTlsOptions;
    payloadMappers: WebhookPayloadMappers;
  };

/** This package's name and version (the User-Agent's, the tracer's). */
export const WEBHOOKS_PACKAGE: { name: string; version: string } = { name: WEBHOOKS_PACKAGE_NAME, version: WEBHOOKS_PACKAGE_VERSION };

export const DEFAULT_EXTRAS: Required<WebhooksModuleExtras> = {
  adminPath: DEFAULT_ADMIN_PATH,
  adminGuards: [],
  adminApi: true,
  adminUi: true,
  adminDocs: true,
  processDeliveries: true,
};

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The module-shaping options with their defaults; `adminPath` without leading or trailing slashes. */
export function resolveWebhooksExtras(given: WebhooksModuleExtras = {}): Required<WebhooksModuleExtras> {
  const extras = { ...DEFAULT_EXTRAS, ...defined(given) };
  return { ...extras, adminPath: extras.adminPath.replace(/^\/+|\/+$/g, '') };
}

/**
 * `given` is what `forRoot` got without the module-shaping options (the builder takes
 * them out), or what `forRootAsync`'s `useFactory` returned: there they came too late
 * to shape anything, and are refused rather than silently ignored.
 */
export function resolveWebhooksOptions(
  given: WebhooksModuleOptions = {},
  extras: WebhooksModuleExtras = {},
): ResolvedWebhooksOptions {
  const misplaced = Object.keys(DEFAULT_EXTRAS).filter((key) => (given as Record<string, unknown>)[key] !== undefined);
  if (misplaced.length > 0) throw new WebhookModuleOptionsError(misplaced);
  const resolved: ResolvedWebhooksOptions = {
    requireHttps: true,
    allowPrivateNetworks: false,
    requestTimeoutMs: 10_000,
    retryDelaysMs: [60_000, 300_000, 1_200_000, 3_600_000, 7_200_000],
    autoDisableAfter: 5,
    maxResponseBodyBytes: 65_536,
    concurrency: 50,
    perEndpointConcurrency: 10,
    breakerThreshold: 5,
    breakerCooldownMs: 30_000,
    deliveryRetentionDays: 30,
    reconcileIntervalMs: 15_000,
    userAgent: `${WEBHOOKS_PACKAGE_NAME}/${WEBHOOKS_PACKAGE_VERSION}`,
    allowedHosts: [],
    dnsLookup: systemDnsLookup,
    scopeOf: defaultScopeOf,
    ...defined(given),
    ...resolveWebhooksExtras(extras),
    payloadMappers: { ...(given.payloadMappers ?? {}) },
    tls: withPublicCas(given.tls),
  };
  assertOptions(resolved);
  return resolved;
}

/**
 * `tls.ca` adds to Node's trust store: Node's own `ca` option replaces it, which would
 * make every receiver with a public certificate fail once an internal CA is given.
 */
function withPublicCas(tls: WebhookTlsOptions | undefined): WebhookTlsOptions {
  if (!tls?.ca) return { ...tls };
  return { ...tls, ca: [...rootCertificates, ...[tls.ca].flat()] };
}

function assertOptions(o: ResolvedWebhooksOptions): void {
  const positiveInt = (name: keyof ResolvedWebhooksOptions, min = 1) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new TypeError(`WebhooksModule option "${name}" must be an integer >= ${min}; got ${String(v)}.`);
    }
  };
  positiveInt('requestTimeoutMs');
  positiveInt('autoDisableAfter');
  positiveInt('maxResponseBodyBytes', 0);
  positiveInt('concurrency');
  positiveInt('perEndpointConcurrency');
  positiveInt('breakerThreshold');
  positiveInt('breakerCooldownMs');
  positiveInt('deliveryRetentionDays');
  positiveInt('reconcileIntervalMs', 100);
  new WebhookAllowList(o.allowedHosts); // throws a TypeError naming a malformed entry
  if (typeof o.dnsLookup !== 'function') {
    throw new TypeError('WebhooksModule option "dnsLookup" must be a function (hostname) => Promise<{ address, family }[]>.');
  }
  if (o.transport !== undefined && typeof o.transport?.send !== 'function') {
    throw new TypeError('WebhooksModule option "transport" must have a send(request) method, like WebhookTestTransport from <package>/testing.');
  }
  if (typeof o.scopeOf !== 'function') {
    throw new TypeError('WebhooksModule option "scopeOf" must be a function (event, input) => ({ accountId?, inboxId? }).');
  }
  const scope = o.adminScope as unknown;
  if (scope !== undefined && typeof scope !== 'function' && typeof (scope as WebhookAdminScopeResolver | null)?.resolve !== 'function') {
    throw new TypeError('WebhooksModule option "adminScope" must be a function (request) => ({ accountId } | null), or a class or object with resolve(request).');
  }
  if (!Array.isArray(o.retryDelaysMs) || o.retryDelaysMs.some((d) => !Number.isFinite(d) || d < 0)) {
    throw new TypeError('WebhooksModule option "retryDelaysMs" must be an array of non-negative numbers of milliseconds.');
  }
}
