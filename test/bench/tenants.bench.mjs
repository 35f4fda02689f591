// `npm run bench:tenants`: what finding an event's webhooks costs as accounts grow. In this
// process, on the built module (dist/): the endpoint cache's index and the publisher's
// matching step (scopeOf, the account/event lookup, the inbox filter and the envelope), for
// one event of a random account, with 1 and with 10,000 accounts of 3 webhooks each, beside
// today's single tenant (3 webhooks, no accounts). CPU per event is process.cpuUsage over many
// events, the median of several rounds. Also how long the cache takes to index all webhooks
// (what each reload after an admin write costs, on top of its SELECT). Nothing is asserted.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => import(join(ROOT, 'dist', 'webhooks', p));
const { indexWebhookEndpoints, matchWebhookEndpoints } = await dist('endpoints/webhook-endpoint.cache.js');
const { defaultScopeOf, resolveEventScope } = await dist('events/webhook-event.scope.js');
const { withEventScope } = await dist('events/webhook-format.js');

const EVENTS = Number(process.env.BENCH_TENANT_EVENTS ?? 500_000);
const ROUNDS = Number(process.env.BENCH_TENANT_ROUNDS ?? 7);
const WEBHOOKS_PER_ACCOUNT = 3;
const EVENT = 'message.received';

/** Per account: one account-wide webhook of every event, one of inbox-1, one of other events only. */
function webhooks(accounts, scoped) {
  const out = [];
  for (let a = 0; a < accounts; a++) {
    const accountId = scoped ? `acct-${a}` : null;
    out.push({ id: `${a}-all`, accountId, inboxIds: [], events: ['*'], enabled: true });
    out.push({ id: `${a}-inbox`, accountId, inboxIds: scoped ? ['inbox-1'] : [], events: ['message.received', 'conversation.started'], enabled: true });
    out.push({ id: `${a}-other`, accountId, inboxIds: [], events: ['contact.created'], enabled: true });
  }
  return out;
}

/** The emitted objects of `count` events, of random accounts among `spread` (none for the single tenant). */
function inputs(spread, scoped, count = 4096) {
  return Array.from({ length: count }, (_, i) => {
    const conversation = { id: i, visitorName: 'Ann', status: 'open', createdAt: new Date(0) };
    if (scoped) Object.assign(conversation, { accountId: `acct-${Math.floor(Math.random() * spread)}`, inboxId: i % 2 ? 'inbox-1' : 'inbox-2' });
    return { message: { id: i, content: 'Hi', isFromAdmin: false, createdAt: new Date(0) }, conversation };
  });
}

const payload = { event: EVENT, timestamp: '2025-01-15T10:31:00.000Z', data: { message_id: 1 } };

/** CPU ns per event of the publisher's matching step, median of the rounds; and the matches made. */
function measure(index, events) {
  const perRound = [];
  let matched = 0;
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      const input = events[i & (events.length - 1)];
      const scope = resolveEventScope(defaultScopeOf(EVENT, input));
      const found = matchWebhookEndpoints(index, EVENT, scope);
      withEventScope(payload, scope);
      matched += found.length;
    }
  };
  run(EVENTS / 5); // warm-up
  matched = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.cpuUsage();
    run(EVENTS);
    const cpu = process.cpuUsage(start);
    perRound.push(((cpu.user + cpu.system) * 1000) / EVENTS);
  }
  perRound.sort((a, b) => a - b);
  return { ns: perRound[Math.floor(perRound.length / 2)], min: perRound[0], max: perRound[perRound.length - 1], matchedPerEvent: matched / (EVENTS * ROUNDS) };
}

function indexTime(all) {
  const times = [];
  for (let r = 0; r < 5; r++) {
    const start = process.cpuUsage();
    indexWebhookEndpoints(all);
    const cpu = process.cpuUsage(start);
    times.push((cpu.user + cpu.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[2];
}

// [label, accounts, scoped, accounts the events are spread over]. The last case sends every
// event to one account of 10,000: it tells the account count (none) from the CPU caches' share.
const cases = [
  ['single tenant (today): 3 webhooks, no accounts', 1, false, 1],
  ['1 account x 3 webhooks', 1, true, 1],
  ['100 accounts x 3 webhooks', 100, true, 100],
  ['1,000 accounts x 3 webhooks', 1_000, true, 1_000],
  ['10,000 accounts x 3 webhooks', 10_000, true, 10_000],
  ['10,000 accounts x 3, events of one account', 10_000, true, 1],
];
const rows = [];
for (const [label, accounts, scoped, spread] of cases) {
  const all = webhooks(accounts, scoped);
  const index = indexWebhookEndpoints(all);
  const m = measure(index, inputs(spread, scoped));
  rows.push({ case: label, webhooks: all.length, 'CPU ns/event (median)': m.ns.toFixed(0), 'min..max': `${m.min.toFixed(0)}..${m.max.toFixed(0)}`, 'matched/event': m.matchedPerEvent.toFixed(2), 'index build ms': indexTime(all).toFixed(2) });
}
console.log(`Publish matching per event (${EVENTS} events x ${ROUNDS} rounds, node ${process.version}):`);
console.table(rows);
