import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { WebhookEvent } from '../src/webhooks/index.js';
import { launchChromium, screenshot } from './support/browser.js';
import { header } from './support/delivery-support.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { eventually } from './support/receiver-checks.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/** The admin page in Debian's Chromium, driven as an admin would: form, test, log, detail, replay, toggle, 360 px. */
describe('the admin page in a browser', () => {
  let host: WebhooksHost;
  let receiver: HttpsReceiver;
  let browser: Browser;
  let page: Page;
  let pageUrl: string;
  let down = false;
  const problems: string[] = [];

  beforeAll(async () => {
    receiver = await HttpsReceiver.start((req, res) => {
      if (down || req.path === '/always-down') res.writeHead(503, { 'content-type': 'text/plain' }).end('receiver is down');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true,"by":"crm"}');
    });
    // No retries: a delivery made while the receiver is down fails at once.
    host = await bootWebhooksHost({ options: { retryDelaysMs: [], autoDisableAfter: 100 } });
    await host.app.listen(0, '127.0.0.1');
    pageUrl = `${(await host.app.getUrl()).replace('[::1]', '127.0.0.1')}${host.admin}/ui`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A CSP violation or a script error shows here.
    // (The refused http URL's 400 is logged by Chromium as a failed load: expected.)
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().includes('status of 400 (Bad Request)')) problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(pageUrl);
    await page.locator('#webhooks li').first().waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await receiver?.close();
  });

  const text = (selector: string) => page.locator(selector).innerText();
  const waitText = (selector: string, contains: string) => page.locator(selector, { hasText: contains }).first().waitFor({ timeout: 10_000 });

  it('creates a webhook through the form, after showing why an http URL is refused', async () => {
    await page.getByRole('button', { name: 'Add a webhook' }).click();
    await page.getByLabel('Name', { exact: true }).fill('CRM');
    await page.getByLabel('URL', { exact: true }).fill(receiver.url('/hook').replace('https:', 'http:'));
    await page.getByLabel('conversation.started', { exact: true }).check();
    await page.getByLabel('contact.created', { exact: true }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#form-error', 'Webhook URL must use HTTPS');
    expect(await text('#message')).toContain('Webhook URL must use HTTPS');
    await screenshot(page, '01-http-url-refused');

    await page.getByLabel('URL', { exact: true }).fill(receiver.url('/hook'));
    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#message', 'Webhook CRM added.');
    await waitText('#webhooks li', 'CRM');
    expect(await page.locator('#form-section').isHidden()).toBe(true);
    expect(await text('#wh-title')).toBe('CRM');
    expect(await text('#wh-state')).toBe('Enabled');
    const list = await host.http.get(host.admin).expect(200);
    expect(list.body).toMatchObject([{ name: 'CRM', url: receiver.url('/hook'), events: ['conversation.started', 'contact.created'], enabled: true }]);
    await screenshot(page, '02-created');
  });

  it('sends a test and shows the response', async () => {
    await page.getByRole('button', { name: 'Send a test' }).click();
    await waitText('#test-result', 'Test delivered: HTTP 200');
    expect(await text('#test-result')).toContain('{"received":true,"by":"crm"}');
    expect(receiver.requests).toHaveLength(1);
    expect(header(receiver.requests[0], 'x-webhook-test')).toBe('true');
    await screenshot(page, '03-test-sent');
  });

  it('lists the delivery in the log and opens its detail: attempts, headers, payload, response', async () => {
    await waitText('#deliveries', 'conversation.started (test)');
    await page.getByRole('button', { name: /^Details of the conversation.started delivery/ }).first().click();
    await page.locator('#detail').waitFor();
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('detail-title');
    expect(await text('#detail-attempts')).toMatch(/Attempt 1[\s\S]*HTTP 200/);
    expect(await text('#detail-headers')).toContain('X-Webhook-Id');
    expect(await text('#detail-headers')).toContain(header(receiver.requests[0], 'x-webhook-id'));
    expect(JSON.parse(await text('#detail-payload'))).toMatchObject({ event: 'conversation.started' });
    expect(await text('#detail-payload')).toContain('\n  "event"'); // pretty-printed
    expect(await text('#detail-response')).toBe('{"received":true,"by":"crm"}');
    // The API keeps a JSON answer as the string it was, as the contract says.
    const id = (await host.http.get(host.admin)).body[0].id;
    const deliveryId = header(receiver.requests[0], 'x-webhook-id');
    expect((await host.http.get(`${host.admin}/${id}/deliveries/${deliveryId}`)).body.responseBody).toBe('{"received":true,"by":"crm"}');
    await screenshot(page, '04-delivery-detail');
    await page.keyboard.press('Escape');
    expect(await page.locator('#detail').isHidden()).toBe(true);
  });

  it('replays the deliveries that failed during an outage', async () => {
    down = true;
    for (let id = 1; id <= 2; id++) await host.publisher.publish(WebhookEvent.ConversationStarted, { id, visitorName: 'Ada', status: 'open', createdAt: new Date() });
    await receiver.waitFor(3);
    await eventually(async () => ((await host.http.get(`${host.admin}/${(await host.http.get(host.admin)).body[0].id}/deliveries?status=failed`)).body.items.length === 2 ? true : undefined));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitText('#message', 'Up to date.');
    await waitText('#overview div', 'Failed in 24 h2');
    await page.locator('#chart rect[fill="#d4483d"]').first().waitFor();
    await waitText('#webhooks li', '0% delivered');
    await page.getByLabel('Status', { exact: true }).selectOption('failed');
    await waitText('#log-status', '2 deliveries shown');
    expect(await text('#deliveries')).toContain('HTTP 503');
    await screenshot(page, '05-failed-during-outage');

    down = false;
    const since = new Date(Date.now() - 10 * 60_000);
    const local = new Date(since.getTime() - since.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Replay failed deliveries since').fill(local);
    await page.getByRole('button', { name: 'Replay failed deliveries' }).click();
    await waitText('#replay-result', '2 failed deliveries since');
    const again = (await receiver.waitFor(5)).slice(3);
    const failedIds = receiver.requests.slice(1, 3).map((r) => header(r, 'x-webhook-id')).sort();
    expect(again.map((r) => header(r, 'x-webhook-id')).sort()).toEqual(failedIds);
    expect(again.map((r) => header(r, 'x-webhook-attempt'))).toEqual(['2', '2']);
    await page.getByLabel('Status', { exact: true }).selectOption('success');
    await waitText('#log-status', '3 deliveries shown');
    await page.locator('#chart rect[fill="#2e9d5b"]').first().waitFor();
    await screenshot(page, '06-replayed');
  });

  it('turns the webhook off and on again', async () => {
    await page.getByRole('button', { name: 'Disable' }).click();
    await waitText('#wh-state', 'Disabled by an admin');
    await waitText('#webhooks li', 'Disabled by an admin');
    expect((await host.http.get(host.admin)).body[0].enabled).toBe(false);
    await screenshot(page, '07-disabled');
    await page.getByRole('button', { name: 'Enable' }).click();
    await waitText('#wh-state', 'Enabled');
    expect((await host.http.get(host.admin)).body[0].enabled).toBe(true);
  });

  it("edits the webhook's rate limit", async () => {
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Rate limit (requests per second)').fill('2.5');
    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#message', 'Saved CRM.');
    await waitText('#wh-events', 'at most 2.5 requests/s');
    expect((await host.http.get(host.admin)).body[0]).toMatchObject({ rateLimit: 2.5, events: ['conversation.started', 'contact.created'] });
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Rate limit (requests per second)').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#message', 'Saved CRM.');
    await eventually(async () => ((await host.http.get(host.admin)).body[0].rateLimit === null ? true : undefined), 5_000, 'no rate limit');
  });

  it('reveals and rotates the secret', async () => {
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await waitText('#secret-note', 'no signing secret');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await waitText('#secret-note', 'New secret');
    const secret = await page.getByLabel('Signing secret', { exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    const id = (await host.http.get(host.admin)).body[0].id;
    expect((await host.http.get(`${host.admin}/${id}/secret`)).body.secret).toBe(secret);
  });

  it('labels every field and reaches every control by keyboard', async () => {
    // Browser-side code as strings: the tests compile without the DOM's types.
    const unlabelled = await page.evaluate<string[]>(`[...document.querySelectorAll('input, select, textarea')]
      .filter((e) => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label'))
      .map((e) => e.id || e.outerHTML.slice(0, 60))`);
    expect(unlabelled).toEqual([]);
    // Tab from the top reaches the webhook's Send a test button.
    await page.evaluate('document.activeElement?.blur()');
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate<string | undefined>('document.activeElement?.id')) === 'test';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await waitText('#test-result', 'Test delivered');
  });

  it('shows a webhook the breaker paused, with the time of its next probe', async () => {
    const ops = await host.http.post(host.admin).send({ name: 'Ops', url: receiver.url('/always-down'), events: ['tag.added'] }).expect(201);
    // breakerThreshold (5) transient failures in a row pause it.
    for (let i = 0; i < 5; i++) await host.publisher.publish(WebhookEvent.TagAdded, { conversation: { id: i, visitorName: 'Ada', status: 'open', createdAt: new Date() }, tag: 'vip' });
    await receiver.waitFor(5, { path: '/always-down' });
    await eventually(async () => ((await host.http.get(`${host.admin}/${ops.body.id}`)).body.pausedUntil ? true : undefined), 10_000, 'Ops paused');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitText('#webhooks li', 'Paused until');
    await waitText('#overview div', 'Paused webhooks1');
    await screenshot(page, '09-paused', '#webhooks');
  });

  it('fits a 360 px screen with no horizontal scroll', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.reload();
    await page.getByRole('button', { name: 'Open CRM' }).click();
    await waitText('#log-status', 'deliveries shown');
    await page.getByRole('button', { name: /^Details of the conversation.started delivery/ }).first().click();
    await page.locator('#detail').waitFor();
    const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
    );
    expect(innerWidth).toBe(360);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await screenshot(page, '08-360px');
    await screenshot(page, '10-360px-webhook', '#webhook > .toolbar');
    await screenshot(page, '11-360px-log', 'table.log');
    await screenshot(page, '12-360px-detail', '#detail');
  });

  it('ran with no script error or CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
