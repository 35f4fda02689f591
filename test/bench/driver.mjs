// The bench's other process: the HTTPS receiver and the load generator, so that the
// app's own process (bench.mjs) spends its CPU on the app alone. Driven over IPC.
import { createServer } from 'node:https';
import { Agent, request } from 'undici';

const { key, cert } = JSON.parse(process.env.BENCH_TLS);
/** path → arrivals; for a JSON body with data.conversation_id, when it came. */
const arrivals = new Map();
const byConversation = new Map();
const held = [];
let waiters = [];
/** The ordered phase: path|conversation → message ids accepted (2xx), each once, in the order accepted. */
const acceptedInOrder = new Map();
/** path → deliveries accepted (each once), and first attempts failed on purpose. */
const accepted = new Map();
const failedOnPurpose = new Map();

/** Paths under /ordered: a path with "fail" in it fails about one first attempt in five with a 500. */
function orderedReply(path, headers, body, res) {
  const webhookId = String(headers['webhook-id'] ?? '');
  if (path.includes('fail') && headers['x-webhook-attempt'] === '1' && parseInt(webhookId.slice(0, 8), 16) % 5 === 0) {
    failedOnPurpose.set(path, (failedOnPurpose.get(path) ?? 0) + 1);
    res.writeHead(500, { 'content-type': 'text/plain' }).end('failing on purpose');
    return;
  }
  const { conversation_id: conversation, message_id: message } = JSON.parse(body).data;
  const k = `${path}|${conversation}`;
  const list = acceptedInOrder.get(k) ?? [];
  if (!list.includes(message)) {
    list.push(message);
    accepted.set(path, (accepted.get(path) ?? 0) + 1);
  }
  acceptedInOrder.set(k, list);
  res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
}

const server = createServer({ key, cert, keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    const path = req.url;
    arrivals.set(path, (arrivals.get(path) ?? 0) + 1);
    if (path === '/hang') {
      held.push(res);
      return;
    }
    if (path.startsWith('/ordered')) {
      orderedReply(path, req.headers, Buffer.concat(chunks).toString(), res);
      const w = waiters;
      waiters = [];
      for (const wake of w) wake();
      return;
    }
    try {
      const id = JSON.parse(Buffer.concat(chunks).toString()).data?.conversation_id;
      if (id !== undefined && !byConversation.has(`${path}|${id}`)) byConversation.set(`${path}|${id}`, at);
    } catch {
      // not JSON: counted only
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    const w = waiters;
    waiters = [];
    for (const wake of w) wake();
  });
});

async function pool(count, inFlight, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1], n: s.length };
};

const clients = new Map();
function dispatcher(origin, connections, ca) {
  const k = `${origin}|${connections}`;
  if (!clients.has(k)) clients.set(k, new Agent({ connections, connect: ca ? { ca } : undefined, keepAliveTimeout: 60_000 }));
  return clients.get(k);
}

/** Sent chat requests: conversation id → when the request was sent. */
const sentAt = new Map();

async function post(url, body, agent) {
  const started = performance.timeOrigin + performance.now();
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
  const text = await res.body.text();
  const ended = performance.timeOrigin + performance.now();
  if (res.statusCode >= 300) throw new Error(`POST ${url} answered ${res.statusCode}: ${text}`);
  return { started, ended, text };
}

const commands = {
  async start() {
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: server.address().port };
  },
  async raw({ n, inFlight }) {
    const url = `https://127.0.0.1:${server.address().port}/raw`;
    const body = JSON.stringify({ event: 'conversation.started', timestamp: new Date().toISOString(), data: { conversation_id: 0 } });
    const agent = dispatcher(url, inFlight, cert);
    const t0 = performance.now();
    await pool(n, inFlight, () => post(url, body, agent));
    return { perSecond: n / ((performance.now() - t0) / 1000) };
  },
  /** `n` chat requests to the app at `inFlight`; their conversation ids are remembered with their send time. */
  async load({ url, n, inFlight, label }) {
    const agent = dispatcher(url, inFlight);
    const latencies = [];
    const t0 = performance.now();
    await pool(n, inFlight, async (i) => {
      const r = await post(url, JSON.stringify({ visitorName: `${label} ${i}`, visitorEmail: `v${i}@example.com` }), agent);
      sentAt.set(String(JSON.parse(r.text).id), r.started);
      latencies.push(r.ended - r.started);
    });
    return { perSecond: n / ((performance.now() - t0) / 1000), latency: summary(latencies) };
  },
  /** Chat requests at a steady `rate` per second for `seconds`. */
  async paced({ url, rate, seconds, label }) {
    const agent = dispatcher(url, 64);
    const latencies = [];
    const total = Math.round(rate * seconds);
    const t0 = performance.now();
    const ids = [];
    const inFlight = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(
        post(url, JSON.stringify({ visitorName: `${label} ${i}` }), agent).then((r) => {
          const id = String(JSON.parse(r.text).id);
          sentAt.set(id, r.started);
          ids.push(id);
          latencies.push(r.ended - r.started);
        }),
      );
    }
    await Promise.all(inFlight);
    return { ids, latency: summary(latencies) };
  },
  async waitFor({ path, count, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    while ((arrivals.get(path) ?? 0) < count) {
      if (Date.now() > deadline) throw new Error(`Only ${arrivals.get(path) ?? 0} of ${count} requests reached ${path} within ${timeoutMs} ms`);
      await new Promise((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return { count: arrivals.get(path) };
  },
  /** Waits until `count` distinct deliveries to an /ordered path were accepted. */
  async waitForAccepted({ path, count, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    while ((accepted.get(path) ?? 0) < count) {
      if (Date.now() > deadline) throw new Error(`Only ${accepted.get(path) ?? 0} of ${count} deliveries to ${path} were accepted within ${timeoutMs} ms`);
      await new Promise((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return { count: accepted.get(path) };
  },
  /** For an /ordered path: how many conversations got all `each` messages, and in the order published (message id % 100 = its place). */
  orderedCheck({ path, each }) {
    let conversations = 0;
    let complete = 0;
    let inOrder = 0;
    for (const [k, list] of acceptedInOrder) {
      if (!k.startsWith(`${path}|`)) continue;
      conversations++;
      if (list.length === each) complete++;
      if (list.length === each && list.every((m, i) => m % 100 === i)) inOrder++;
    }
    return { conversations, complete, inOrder, failedOnPurpose: failedOnPurpose.get(path) ?? 0, requests: arrivals.get(path) ?? 0 };
  },
  acceptedCount({ path }) {
    return { count: accepted.get(path) ?? 0 };
  },
  count({ path }) {
    return { count: arrivals.get(path) ?? 0 };
  },
  /** Chat request sent → its webhook received at `path`, for conversation `ids`. */
  latency({ path, ids }) {
    const values = ids.map((id) => byConversation.get(`${path}|${id}`) - sentAt.get(id)).filter((v) => Number.isFinite(v));
    return { ...summary(values), missing: ids.length - values.length };
  },
  release() {
    for (const res of held.splice(0)) res.destroy();
    return {};
  },
  rss() {
    return { rss: process.memoryUsage().rss };
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    process.send({ id, ok: true, value: await commands[cmd](args ?? {}) });
  } catch (err) {
    process.send({ id, ok: false, error: err?.stack ?? String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
