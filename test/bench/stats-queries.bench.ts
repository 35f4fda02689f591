import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { bootWebhooksHost } from '../support/webhooks-host.js';
import type { WebhooksHost } from '../support/webhooks-host.js';

/**
 * `npm run bench:stats`: the stats routes on a delivery log of 1,000,000 rows
 * (BENCH_STATS_ROWS) spread over 30 days and 10 webhooks, one of which has half
 * of them. Prints the median of 5 calls of each route and the index MariaDB's
 * EXPLAIN names for its queries. Figures are printed, never asserted.
 */
const ROWS = Number(process.env.BENCH_STATS_ROWS ?? 1_000_000);
const RUNS = 5;

let host: WebhooksHost;
let hot: string;

beforeAll(async () => {
  host = await bootWebhooksHost({ options: { processDeliveries: false } });
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    ids.push((await host.http.post(host.admin).send({ name: `bench-${i}`, url: `https://127.0.0.1:9/${i}`, events: ['*'] }).expect(201)).body.id);
  }
  hot = ids[0];
  const started = Date.now();
  // Generated in the server (MariaDB's sequence engine): even half the rows for the first webhook.
  // Ids in order, so the primary key grows at its end rather than splitting pages at random.
  const pick = `CASE WHEN seq % 2 = 0 THEN '${ids[0]}' ELSE ELT(1 + (seq DIV 2) % 9, ${ids.slice(1).map((id) => `'${id}'`).join(', ')}) END`;
  const status = `CASE WHEN seq % 100 < 90 THEN 'success' WHEN seq % 100 < 98 THEN 'failed' WHEN seq % 100 < 99 THEN 'pending' ELSE 'retrying' END`;
  const createdAt = 'NOW(3) - INTERVAL (seq * 2591 % 2592000) SECOND';
  const chunk = 100_000;
  for (let from = 1; from <= ROWS; from += chunk) {
    const to = Math.min(ROWS, from + chunk - 1);
    await host.dataSource.query(
      `INSERT INTO webhook_deliveries (id, webhookId, event, payload, status, attempts, statusCode, durationMs, isTest, nextAttemptAt, createdAt, updatedAt)
       SELECT CONCAT('00000000-0000-4000-8000-', LPAD(seq, 12, '0')), ${pick}, 'message.received', '{"event":"message.received","data":{}}', ${status}, 1,
              200, 5 + (seq * 7919) % 1500, 0,
              CASE WHEN seq % 100 >= 98 THEN ${createdAt} ELSE NULL END, ${createdAt}, ${createdAt}
       FROM seq_${from}_to_${to}`,
    );
  }
  await host.dataSource.query('ANALYZE TABLE webhook_deliveries');
  console.log(`inserted ${ROWS} delivery rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 1_800_000);

afterAll(async () => {
  await host?.close();
});

async function median(path: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await host.http.get(`${host.admin}${path}`).expect(200);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

async function indexOf(sql: string): Promise<string> {
  const plan: Array<{ key: string | null; Extra: string }> = await host.dataSource.query(`EXPLAIN ${sql}`);
  return plan.map((p) => `${p.key ?? 'none'}${/Using index/.test(p.Extra) ? ' (index only)' : ''}`).join(', ');
}

it('measures the stats routes on 1,000,000 delivery rows', async () => {
  const lines: string[] = [];
  const { body } = await host.http.get(`${host.admin}/${hot}/stats?hours=720`).expect(200);
  lines.push(`webhook with ${body.total} deliveries in 30 days`);
  lines.push(`GET /stats                 median ${(await median('/stats')).toFixed(1)} ms`);
  lines.push(`GET /:id/stats?hours=24    median ${(await median(`/${hot}/stats?hours=24`)).toFixed(1)} ms`);
  lines.push(`GET /:id/stats?hours=168   median ${(await median(`/${hot}/stats?hours=168`)).toFixed(1)} ms`);
  lines.push(`GET /:id/stats?hours=720   median ${(await median(`/${hot}/stats?hours=720`)).toFixed(1)} ms`);
  lines.push(`GET /:id/deliveries        median ${(await median(`/${hot}/deliveries?limit=50`)).toFixed(1)} ms`);
  const since = "NOW() - INTERVAL 1 DAY";
  lines.push(`indexes: waiting counts: ${await indexOf("SELECT status, COUNT(*) FROM webhook_deliveries WHERE status IN ('pending','retrying') GROUP BY status")}`);
  lines.push(`indexes: oldest due: ${await indexOf("SELECT MIN(nextAttemptAt) FROM webhook_deliveries WHERE status IN ('pending','retrying') AND nextAttemptAt <= NOW()")}`);
  lines.push(`indexes: failed in 24 h: ${await indexOf(`SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'failed' AND isTest = 0 AND createdAt >= ${since}`)}`);
  lines.push(
    `indexes: one webhook per hour: ${await indexOf(
      `SELECT FLOOR(TIMESTAMPDIFF(SECOND, ${since}, createdAt) / 3600) b, status, COUNT(*) FROM webhook_deliveries WHERE webhookId = '${hot}' AND isTest = 0 AND createdAt >= ${since} GROUP BY b, status`,
    )}`,
  );
  lines.push(
    `indexes: one webhook's durations: ${await indexOf(
      `SELECT durationMs, COUNT(*) FROM webhook_deliveries WHERE webhookId = '${hot}' AND isTest = 0 AND createdAt >= ${since} AND status IN ('success','failed') AND durationMs IS NOT NULL GROUP BY durationMs`,
    )}`,
  );
  lines.push(`indexes: newest delivery: ${await indexOf(`SELECT createdAt, status FROM webhook_deliveries WHERE webhookId = '${hot}' AND isTest = 0 ORDER BY createdAt DESC LIMIT 1`)}`);
  console.log(lines.join('\n'));
  expect(body.total).toBeGreaterThan(0);
});
