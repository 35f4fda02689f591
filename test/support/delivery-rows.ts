import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { WebhookDeliveryStatus } from '../../src/webhooks/index.js';

export interface DeliveryRow {
  webhookId: string;
  status: WebhookDeliveryStatus;
  createdAt: Date;
  event?: string;
  durationMs?: number | null;
  statusCode?: number | null;
  attempts?: number;
  isTest?: boolean;
  nextAttemptAt?: Date | null;
  error?: string | null;
}

/**
 * Writes delivery rows straight into the log, as if they had been sent long ago:
 * for stats and replay, which read the log. Resolves to the new ids, in order.
 */
export async function insertDeliveryRows(dataSource: DataSource, rows: DeliveryRow[], batch = 1000): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch).map((r) => {
      const id = randomUUID();
      ids.push(id);
      const ended = r.status === 'success' || r.status === 'failed';
      return {
        id,
        webhookId: r.webhookId,
        event: r.event ?? 'conversation.started',
        payload: { event: r.event ?? 'conversation.started', timestamp: r.createdAt.toISOString(), data: { conversation_id: 1 } },
        status: r.status,
        attempts: r.attempts ?? (r.status === 'pending' ? 0 : 1),
        statusCode: r.statusCode ?? (r.status === 'success' ? 200 : r.status === 'pending' ? null : 500),
        durationMs: r.durationMs === undefined ? (r.status === 'pending' ? null : 25) : r.durationMs,
        error: r.error ?? (r.status === 'failed' || r.status === 'retrying' ? 'HTTP 500' : null),
        isTest: r.isTest ?? false,
        nextAttemptAt: r.nextAttemptAt === undefined ? (ended ? null : r.createdAt) : r.nextAttemptAt,
        createdAt: r.createdAt,
        updatedAt: r.createdAt,
      };
    });
    await dataSource.createQueryBuilder().insert().into('webhook_deliveries').values(chunk).execute();
  }
  return ids;
}
