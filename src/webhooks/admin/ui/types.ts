// The admin API's answers, as CONTRACT.md section 4 gives them.
export type DeliveryStatus = 'pending' | 'retrying' | 'success' | 'failed';

export interface WebhookHealth {
  total: number;
  successRate: number | null;
  p95Ms: number | null;
  lastDeliveryAt: string | null;
  lastStatus: DeliveryStatus | null;
}

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  format: 'json' | 'slack' | 'discord';
  rateLimit?: number | null;
  ordering?: 'none' | 'conversation';
  description?: string | null;
  source?: string | null;
  /** The account it belongs to; null: platform-wide. */
  accountId?: string | null;
  /** The inboxes it takes events of; empty for every inbox. */
  inboxIds?: string[];
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
  consecutiveFailures: number;
  disabledAt: string | null;
  disabledReason: string | null;
  pausedUntil: string | null;
  health?: WebhookHealth;
}

export interface ModuleStats {
  pending: number;
  retrying: number;
  failedLast24h: number;
  oldestDueAgeMs: number | null;
  pausedWebhooks: number;
  disabledWebhooks: number;
}

export interface EventInfo {
  name: string;
  description: string;
  samplePayload: unknown;
  schema?: unknown;
}

export interface WebhookStats {
  hours: number;
  total: number;
  success: number;
  failed: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  lastDeliveryAt: string | null;
  lastStatus: DeliveryStatus | null;
  perHour: Array<{ hour: string; success: number; failed: number }>;
}

export interface Delivery {
  id: string;
  event: string;
  status: DeliveryStatus;
  statusCode: number | null;
  attempts: number;
  durationMs: number | null;
  error: string | null;
  isTest: boolean;
  createdAt: string;
  nextAttemptAt: string | null;
}

export interface DeliveryPage {
  items: Delivery[];
  nextCursor: string | null;
}

export interface Attempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
  requestHeaders?: Record<string, string> | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
}

export interface DeliveryDetail extends Delivery {
  payload: unknown;
  requestHeaders: Record<string, string> | null;
  responseBody: string | null;
  attemptLog: Attempt[];
}

export interface TestResult {
  deliveryId: string;
  success: boolean;
  statusCode: number | null;
  durationMs: number | null;
  responseBody: string | null;
  error: string | null;
}

/** `GET /scope`: whose admin is calling. */
export interface AdminScope {
  accountId: string | null;
  platform: boolean;
  multiAccount: boolean;
}
