import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebhookEvent } from '../src/webhooks/index.js';
import { axeProblems } from './support/axe.js';
import { launchChromium, screenshot, SCREENSHOTS } from './support/browser.js';
import { header } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/**
 * The admin page in Debian's Chromium, driven as an operator would: list, form, a webhook's view,
 * test, log and drawer, replay, secret, a paused webhook resumed, the catalog; at 1280 and 360 px,
 * with an axe-core scan of every view.
 */
describe('the admin page in a browser', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageUrl: string;
  let down = false;
  let crmId = '';
  const problems: string[] = [];
  const a11y: Record<string, string[]> = {};

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((req, res) => {
      if (down || req.path === '/always-down') res.writeHead(503, { 'content-type': 'text/plain' }).end('receiver is down');
      else res.writeHead(200, { 'content-type': 'application/json', 'x-receiver': 'crm' }).end('{"received":true,"by":"crm"}');
    });
    // No retries: a delivery made while the receiver is down fails at once.
    host = await bootWebhooksHost({ options: { retryDelaysMs: [], autoDisableAfter: 100 } });
    await host.app.listen(0, '127.0.0.1');
    pageUrl = `${(await host.app.getUrl()).replace('[::1]', '127.0.0.1')}${host.admin}/ui`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page = await context.newPage();
    // A CSP violation or a script error shows here. Answers the test itself makes fail are expected.
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/status of (401|404)/.test(msg.text())) problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('response', (res) => {
      if (res.status() === 404) problems.push(`404 for ${res.url()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await receiver?.close();
  });

  const text = (selector: string) => page.locator(selector).first().innerText();
  const waitText = (selector: string, contains: string | RegExp, timeout = 10_000) =>
    page.locator(selector, { hasText: contains }).first().waitFor({ timeout });
  const hash = () => page.evaluate<string>('location.hash');
  const focusedId = () => page.evaluate<string | undefined>('document.activeElement?.id');
  const scan = async (view: string) => {
    a11y[view] = await axeProblems(page);
  };
  const noHorizontalScroll = async () => {
    const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
    );
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  };
  const publish = (n: number, from = 1) =>
    Promise.all(Array.from({ length: n }, (_, i) => host.publisher.publish(WebhookEvent.ConversationStarted, { id: from + i, visitorName: 'Ada', status: 'open', createdAt: new Date() })));

  it('draws a list of 20 webhooks from one call, quickly', async () => {
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      host.http.post(host.admin).send({ name: `Load ${String(i + 1).padStart(2, '0')}`, url: receiver.url(`/load/${i}`), events: ['tag.added'] }).expect(201)));
    const calls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith(host.admin) && !r.url().includes('/ui')) calls.push(new URL(r.url()).pathname);
    });
    await page.goto(pageUrl); // the first load in a source tree also bundles the page
    await page.locator('html[data-list-drawn="20"]').waitFor();
    calls.length = 0;
    await page.reload();
    await page.locator('html[data-list-drawn="20"]').waitFor();
    const drawnMs = await page.evaluate<number>("performance.getEntriesByName('webhooks-list-drawn')[0].startTime");
    console.log(`The list of 20 webhooks was drawn ${Math.round(drawnMs)} ms after the page's navigation started`);
    expect(drawnMs).toBeLessThanOrEqual(2_000);
    // One call for the list (each webhook carries its health), one for the overview, one for whose
    // admin is calling (once a page load): none per webhook.
    expect(calls.sort()).toEqual([host.admin, `${host.admin}/scope`, `${host.admin}/stats`]);
    expect(await page.locator('#webhooks tr').count()).toBe(20);
    expect(await text('#webhooks tr')).toContain('Healthy');
    // One tenant: no account named, no "All inboxes · Source: admin" on every row.
    expect(await page.locator('#account').isHidden()).toBe(true);
    expect(await text('#webhooks')).not.toMatch(/All inboxes|Source: admin|Account/);
    await Promise.all(made.map((m) => host.http.delete(`${host.admin}/${m.body.id}`).expect(204)));
  });

  it('adds a webhook through the form: errors under their fields, "All events" standing for the rest, Enter in a checkbox sends nothing', async () => {
    await page.goto(`${pageUrl}#/`);
    await page.getByRole('link', { name: 'Add a webhook' }).click();
    await page.locator('#form').waitFor();
    expect(await hash()).toBe('#/new');
    await page.getByLabel('Name', { exact: true }).fill('CRM');
    await page.getByLabel('URL', { exact: true }).fill(receiver.url('/hook').replace('https:', 'http:'));
    await page.getByLabel('conversation.started').check();
    await page.getByLabel('conversation.started').press('Enter');
    expect(await hash()).toBe('#/new'); // Enter in a checkbox did not send the form
    expect(await page.getByLabel('conversation.started').isChecked()).toBe(true);
    await page.getByLabel('All events (*)').check();
    expect(await page.getByLabel('contact.created').isDisabled()).toBe(true);
    await page.getByLabel('All events (*)').uncheck();
    expect(await page.getByLabel('contact.created').isDisabled()).toBe(false);
    await page.getByLabel('contact.created').check();
    expect(await text('#events')).toMatch(/conversation\.started\s+\S.+/); // each event with its description

    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#url-error', 'Webhook URL must use HTTPS');
    expect(await page.getByLabel('URL', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await focusedId()).toBe('url');
    expect((await host.http.get(host.admin)).body).toEqual([]); // refused before sending
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#name-error', 'Give the webhook a name');
    await scan('form with errors');
    await screenshot(page, '01-form-errors');

    await page.getByLabel('Name', { exact: true }).fill('CRM');
    await page.getByLabel('URL', { exact: true }).fill(receiver.url('/hook'));
    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#wh-note', 'Webhook CRM added.');
    const list = (await host.http.get(host.admin).expect(200)).body;
    expect(list).toMatchObject([{ name: 'CRM', url: receiver.url('/hook'), events: ['conversation.started', 'contact.created'], enabled: true }]);
    crmId = list[0].id;
    expect(await hash()).toBe(`#/webhooks/${crmId}`);
    expect(await text('#wh-title')).toBe('CRM');
    expect(await text('.webhook-head .badge')).toBe('Healthy');
  });

  it('sends a test of the chosen event after showing its payload', async () => {
    await page.getByRole('button', { name: 'Send a test' }).click();
    await page.getByLabel('Event', { exact: true }).first().waitFor();
    await page.locator('#test-event').selectOption('contact.created');
    await waitText('#test-payload', '"event": "contact.created"');
    await page.getByRole('button', { name: 'Send test' }).click();
    await waitText('#test-result', 'Test delivered: HTTP 200');
    expect(await text('#test-result')).toContain('"received": true'); // the answer, formatted
    expect(receiver.requests).toHaveLength(1);
    expect(header(receiver.requests[0], 'x-webhook-test')).toBe('true');
    expect((receiver.requests[0].body as { event: string }).event).toBe('contact.created');
    await scan('webhook with the test panel');
    await screenshot(page, '02-test-sent');
  });

  it('opens a delivery in a drawer under its row, with its own address, and closes it with Escape', async () => {
    await waitText('#deliveries', 'contact.created');
    const deliveryId = header(receiver.requests[0], 'x-webhook-id');
    await page.getByRole('link', { name: `Details of the contact.created delivery ${deliveryId}` }).click();
    await page.locator('#drawer').waitFor();
    expect(await hash()).toBe(`#/webhooks/${crmId}/deliveries/${deliveryId}`);
    expect(await focusedId()).toBe('drawer-title');
    // Beside its row: the drawer's row comes right after the delivery's.
    expect(await page.evaluate<string | undefined>(`document.querySelector('tr.drawer-row').previousElementSibling?.dataset.id`)).toBe(deliveryId);
    expect(await text('#drawer-attempts')).toMatch(/Attempt 1[\s\S]*HTTP 200/);
    await page.locator('#drawer-attempts summary').first().click(); // a delivered attempt starts folded
    expect(await text('#drawer-attempts')).toContain('x-receiver');
    // The attempt's own request headers, with its number.
    expect(await text('#drawer-attempts')).toMatch(/Request headers[\s\S]*X-Webhook-Attempt[\s\S]*1/);
    expect(await text('#drawer-attempts')).toContain('"by": "crm"');
    expect(await text('#drawer')).toContain('X-Webhook-Id');
    expect(await page.locator('#drawer button', { hasText: 'Copy' }).count()).toBeGreaterThanOrEqual(3);
    await page.getByRole('button', { name: 'Copy delivery id' }).click();
    await waitText('#drawer', 'Copied');
    await scan('delivery drawer');
    await screenshot(page, '03-drawer');

    await page.getByRole('button', { name: 'Redeliver' }).click();
    await waitText('#redeliver-result', 'Queued again: the next attempt will be number 2');
    await receiver.waitFor(2);
    expect(header(receiver.requests[1], 'x-webhook-id')).toBe(deliveryId);

    await page.keyboard.press('Escape');
    await page.locator('#drawer').waitFor({ state: 'detached' });
    expect(await hash()).toBe(`#/webhooks/${crmId}`);
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Details');
  });

  it('opens the same drawer from a reload of its address, and back closes it', async () => {
    const deliveryId = header(receiver.requests[0], 'x-webhook-id');
    await page.goto(`${pageUrl}#/webhooks/${crmId}`);
    await page.locator('#wh-title').waitFor();
    await page.evaluate(`location.hash = '#/webhooks/${crmId}/deliveries/${deliveryId}'`);
    await page.locator('#drawer').waitFor();
    await page.reload();
    await waitText('#drawer', deliveryId);
    expect(await text('#wh-title')).toBe('CRM');
    await page.goBack();
    await page.locator('#drawer').waitFor({ state: 'detached' });
    expect(await hash()).toBe(`#/webhooks/${crmId}`);
  });

  it('shows failures in their own columns, filters the log, and the chart filters it to an hour', async () => {
    down = true;
    await publish(2);
    await receiver.waitFor(4);
    await eventually(async () => ((await host.http.get(`${host.admin}/${crmId}/deliveries?status=failed`)).body.items.length === 2 ? true : undefined));
    await page.goto(`${pageUrl}#/webhooks/${crmId}`);
    await page.reload();
    await page.locator('#filter-status').selectOption('failed');
    await waitText('#log-status', '2 deliveries shown');
    const row = page.locator('#deliveries tr').first();
    expect(await row.locator('td[data-label="Error"]').innerText()).toBe('HTTP 503');
    expect(await row.locator('td[data-label="HTTP"]').innerText()).toBe('503');
    expect(await row.locator('td[data-label="Attempts"]').innerText()).toBe('1');
    expect(await row.locator('td[data-label="Duration"]').innerText()).toMatch(/^\d+ ms$/);
    const when = row.locator('td[data-label="When"] time');
    expect(await when.innerText()).toMatch(/just now|min ago/);
    expect(await when.getAttribute('title')).toMatch(/\d/); // the exact time on hover
    expect(await page.locator('.webhook-head .badge').innerText()).toBe('Failing');
    expect(await text('.webhook-head .health-detail')).toMatch(/^\d+(\.\d)? % delivered in 24 h, (the last one failed|\d+ failed in a row)$/);

    const failedId = await row.getAttribute('data-id');
    await page.locator('#filter-status').selectOption('');
    await page.getByLabel('Delivery id').fill(failedId!);
    await page.getByLabel('Delivery id').press('Enter');
    await waitText('#log-status', '1 delivery shown');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitText('#log-status', '3 deliveries shown'); // the test and the two failed

    // The chart: a y-axis, bars reachable by keyboard, a bar chooses its hour in the log.
    expect(await page.locator('.y-axis span').allInnerTexts()).toEqual(['2', '1', '0']); // tests aside, 2 in this hour
    const last = page.locator('.plot .bar').last();
    expect(await last.getAttribute('tabindex')).toBe('0');
    await last.focus();
    await page.keyboard.press('ArrowLeft');
    expect(await page.evaluate<string | null>("document.activeElement.getAttribute('aria-label')")).toMatch(/0 delivered, 0 failed/);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await waitText('#log-note', 'Showing the deliveries of');
    await waitText('#log-status', '3 deliveries shown');
    expect(await page.locator('button', { hasText: 'Older deliveries' }).isVisible()).toBe(false);
    expect(await page.locator('#filter-since').inputValue()).toMatch(/T\d\d:00$/);
    expect(await page.locator('#filter-until').inputValue()).toMatch(/T\d\d:00$/);
    // The heading changes as the range is chosen, the bars once its stats have come: wait for those.
    await page.getByRole('button', { name: '7 d' }).click();
    await waitText('#chart-heading', 'Last 7 days');
    await page.locator('.plot .bar').nth(27).waitFor();
    expect(await page.locator('.plot .bar').count()).toBe(28);
    await page.getByRole('button', { name: '30 d' }).click();
    await waitText('#chart-heading', 'Last 30 days');
    await page.locator('.plot .bar').nth(29).waitFor();
    expect(await page.locator('.plot .bar').count()).toBe(30);
    await page.getByRole('button', { name: '24 h' }).click();
    await waitText('#chart-heading', 'Last 24 hours');
    await screenshot(page, '04-failures');
  });

  it('counts a replay before sending it, then sends it', async () => {
    down = false;
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByRole('button', { name: 'Count deliveries' }).click();
    await waitText('#replay-count', '2 failed deliveries would be sent again. Send them?');
    expect(receiver.requests).toHaveLength(4); // a dry run sends nothing
    await scan('webhook with the replay panel');
    await screenshot(page, '05-replay-count');
    await page.getByRole('button', { name: 'Send 2 deliveries again' }).click();
    await waitText('#replay-result', '2 failed deliveries queued again');
    const again = (await receiver.waitFor(6)).slice(4);
    expect(again.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['2', '2']);
  });

  it('refreshes the log every 10 s, and marks it stale when the API answers 401', async () => {
    await waitText('#log-updated', /Updated at/);
    const before = await text('#log-updated');
    const api = (url: URL) => url.pathname.startsWith(host.admin) && !url.pathname.includes('/ui');
    await page.route(api, (route) => route.fulfill({ status: 401, contentType: 'application/json', body: '{"statusCode":401,"message":"Unauthorized"}' }));
    try {
      await waitText('#log-updated', 'Stale: could not refresh', 15_000);
      expect(await text('#log-updated')).toContain('401');
      expect(await page.locator('table.log.stale').count()).toBe(1);
      expect(await page.locator('#auth').isVisible()).toBe(true); // asks for the token again
      await screenshot(page, '06-stale');
    } finally {
      await page.unroute(api);
    }
    await waitText('#log-updated', /Updated at/, 15_000);
    expect(await text('#log-updated')).not.toBe(before);
    expect(await page.locator('table.log.stale').count()).toBe(0);
    expect(await page.locator('#auth').isVisible()).toBe(false);
  }, 45_000);

  it('turns the webhook off, says why once, and on again', async () => {
    await page.getByRole('button', { name: 'Disable' }).click();
    await waitText('.webhook-head .badge', 'Disabled');
    expect(await text('.webhook-head .health-detail')).toBe('Disabled by an admin');
    expect((await host.http.get(`${host.admin}/${crmId}`)).body.enabled).toBe(false);
    await page.getByRole('button', { name: 'Enable CRM' }).click();
    await waitText('.webhook-head .badge', /Healthy|Failing/);
    expect((await host.http.get(`${host.admin}/${crmId}`)).body.enabled).toBe(true);
  });

  it('reads the 24 h stats once per refresh, for the health and the chart alike', async () => {
    const seen = { webhook: 0, stats: 0 };
    const path = (url: string) => new URL(url).pathname;
    const isStats = (url: string) => path(url) === `${host.admin}/${crmId}/stats` && new URL(url).searchParams.get('hours') === '24';
    const count = (req: { url(): string }) => {
      if (path(req.url()) === `${host.admin}/${crmId}`) seen.webhook++;
      else if (isStats(req.url())) seen.stats++;
    };
    page.on('request', count);
    try {
      // A refresh asks for the webhook and its 24 h stats together (the webhook first); the chart, on its 24 h range, draws those.
      await page.waitForRequest((r) => isStats(r.url()), { timeout: 15_000 });
      await page.waitForRequest((r) => isStats(r.url()), { timeout: 15_000 });
      expect(seen.stats).toBe(2);
      expect(seen.webhook).toBe(2);
    } finally {
      page.off('request', count);
    }
  }, 45_000);

  it("edits the webhook's rate limit and its order", async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Rate limit (requests per second)').fill('2.5');
    expect(await text('#form')).toContain('Per conversation costs speed');
    await page.getByLabel('Order').selectOption('conversation');
    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#wh-note', 'Saved CRM.');
    await waitText('#wh-events', 'at most 2.5 requests/s');
    await waitText('#wh-events', 'in order per conversation');
    expect((await host.http.get(`${host.admin}/${crmId}`)).body).toMatchObject({ rateLimit: 2.5, ordering: 'conversation', events: ['conversation.started', 'contact.created'] });
  });

  it('rotates the secret, with a copy button and the time the old one stops signing', async () => {
    await page.getByRole('button', { name: 'Secret' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rotate' }).click();
    await waitText('#secret-note', 'The new signing secret');
    const secret = await page.locator('#secret-value').inputValue();
    expect(secret).toMatch(/^whsec_/);
    expect((await host.http.get(`${host.admin}/${crmId}/secret`)).body.secret).toBe(secret);
    expect(await text('#secret-grace')).toMatch(/The old secret keeps signing beside the new one until .+ \(24 h after the rotation at .+\)/);
    await page.getByRole('button', { name: 'Copy the secret' }).click();
    expect(await page.evaluate<string>('navigator.clipboard.readText()').catch(() => secret)).toBe(secret);
    await scan('webhook with the secret panel');
  });

  it('shows a webhook the breaker paused: why, its next probe, held deliveries, and Resume now', async () => {
    const ops = await host.http.post(host.admin).send({ name: 'Ops', url: receiver.url('/always-down'), events: ['tag.added'] }).expect(201);
    // breakerThreshold (5) transient failures in a row pause it.
    for (let i = 0; i < 5; i++) await host.publisher.publish(WebhookEvent.TagAdded, { conversation: { id: i, visitorName: 'Ada', status: 'open', createdAt: new Date() }, tag: 'vip' });
    await receiver.waitFor(5, { path: '/always-down' });
    await eventually(async () => ((await host.http.get(`${host.admin}/${ops.body.id}`)).body.pausedUntil ? true : undefined), 10_000, 'Ops paused');
    await host.publisher.publish(WebhookEvent.TagAdded, { conversation: { id: 9, visitorName: 'Ada', status: 'open', createdAt: new Date() }, tag: 'held' });
    await eventually(async () => ((await host.http.get(`${host.admin}/${ops.body.id}/deliveries?status=pending`)).body.items.length + (await host.http.get(`${host.admin}/${ops.body.id}/deliveries?status=retrying`)).body.items.length > 0 ? true : undefined), 10_000, 'a held delivery');

    // Filter CRM's log, then go to Ops through the list, as an operator would.
    await page.goto(`${pageUrl}#/webhooks/${crmId}`);
    await page.reload();
    await page.locator('#filter-status').selectOption('failed');
    await page.getByLabel('Delivery id').fill('some-id');
    await page.getByRole('link', { name: '← All webhooks' }).click();
    const opsRow = page.locator('#webhooks tr', { hasText: 'Ops' });
    await opsRow.locator('.badge', { hasText: 'Paused' }).waitFor();
    expect(await opsRow.innerText()).toMatch(/The breaker paused it: .+; (next probe at|a probe delivery is due)/);
    expect(await page.locator('#webhooks tr', { hasText: 'CRM' }).locator('.badge').innerText()).toMatch(/Healthy|Failing/);
    await scan('list');
    await screenshot(page, '07-list', 'body');
    copyFileSync(join(SCREENSHOTS, '07-list.png'), join(process.cwd(), 'docs', 'admin-page.png'));

    expect(await opsRow.locator('td[data-label="Last delivery"]').innerText()).toMatch(/(pending|retrying), held$/);
    await opsRow.getByRole('link', { name: 'Ops' }).click();
    await waitText('#deliveries', 'held: webhook paused').catch(async (err: unknown) => {
      console.log(await text('#view'));
      throw err;
    });
    // Filters are the webhook's own: none carried over from CRM's log.
    expect(await Promise.all(['#filter-status', '#filter-event', '#filter-since', '#filter-until', '#filter-q'].map((f) => page.locator(f).inputValue()))).toEqual(['', '', '', '', '']);
    await screenshot(page, '08-paused');
    await page.getByRole('button', { name: 'Resume now: Ops' }).click();
    await waitText('#wh-note', 'Resumed');
    expect(await page.locator('.webhook-head .badge').innerText()).not.toBe('Paused');
    expect((await host.http.get(`${host.admin}/${ops.body.id}`)).body.pausedUntil).toBeNull();
  });

  it('shows the event catalog: descriptions and samples', async () => {
    await page.getByRole('link', { name: 'Event catalog' }).click();
    await waitText('#view', 'conversation.started');
    expect(await hash()).toBe('#/events');
    const catalog = (await host.http.get(`${host.admin}/events`)).body as Array<{ name: string; description: string }>;
    expect(await page.locator('article.event-doc').count()).toBe(catalog.length);
    expect(await text('#view')).toContain(catalog[0].description);
    expect(await text('#view')).toContain(`Sample of ${catalog[0].name}`);
    await scan('event catalog');
    await screenshot(page, '09-catalog');
  });

  it('fits a 360 px screen in every view, with no serious accessibility issue there either', async () => {
    const deliveryId = header(receiver.requests[0], 'x-webhook-id');
    await page.setViewportSize({ width: 360, height: 800 });
    const views: Array<[string, string, string]> = [
      ['list', '#/', 'html[data-list-drawn]'],
      ['webhook', `#/webhooks/${crmId}`, '#deliveries tr'],
      ['drawer', `#/webhooks/${crmId}/deliveries/${deliveryId}`, '#drawer-attempts'],
      ['form', `#/webhooks/${crmId}/edit`, '#form'],
      ['new', '#/new', '#form'],
      ['catalog', '#/events', 'article.event-doc'],
    ];
    for (const [name, address, ready] of views) {
      await page.goto(`${pageUrl}${address}`);
      await page.reload();
      await page.locator(ready).first().waitFor();
      await noHorizontalScroll();
      await scan(`${name} at 360 px`);
      await screenshot(page, `10-360px-${name}`);
    }
  });

  it('ran with no script error or CSP violation, and axe found no serious or critical issue in any view', () => {
    expect(problems).toEqual([]);
    expect(Object.keys(a11y).length).toBeGreaterThanOrEqual(12);
    expect(Object.entries(a11y).filter(([, found]) => found.length > 0)).toEqual([]);
  });
});
