import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Dialog, Page } from 'playwright-core';
import { axeProblems } from './support/axe.js';
import { launchChromium, screenshot } from './support/browser.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

/** The host's adminScope: `Bearer platform` is the platform admin, `Bearer acct:<id>` that account's admin. */
const adminScope = (req: { headers: Record<string, string | undefined> }) => {
  const auth = req.headers.authorization ?? '';
  if (auth === 'Bearer platform') return null;
  const account = /^Bearer acct:(.+)$/.exec(auth)?.[1];
  return account ? { accountId: account } : (undefined as never);
};

const PLATFORM = { authorization: 'Bearer platform' };
const accountAdmin = (id: string) => ({ authorization: `Bearer acct:${id}` });

/**
 * The admin page of an install with accounts, in Chromium at 1280 and 360 px: an account admin
 * sees their account named, their own webhooks with inboxes, description and source, and is asked
 * before changing what an integration made; a platform admin switches account. axe scans each state.
 */
describe('the admin page with accounts, in a browser', () => {
  let host: WebhooksHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageUrl: string;
  const ids: Record<string, string> = {};
  const problems: string[] = [];
  const a11y: Record<string, string[]> = {};

  const make = async (body: Record<string, unknown>) => {
    const res = await host.http.post(host.admin).set(PLATFORM).send({ url: 'https://hooks.example.com/in', events: ['*'], ...body }).expect(201);
    ids[body.name as string] = res.body.id;
    return res.body as { id: string; accountId: string | null };
  };

  beforeAll(async () => {
    host = await bootWebhooksHost({ options: { adminScope } });
    await make({ name: 'Leads to Zapier', accountId: 'acct-1', source: 'zapier', inboxIds: ['web-1', 'widget'], description: 'New leads for the sales team' });
    await make({ name: 'CRM', accountId: 'acct-1', description: 'Every chat to the CRM' });
    await make({ name: 'Support Slack', accountId: 'acct-2', inboxIds: ['web-9'] });
    await make({ name: 'Audit', accountId: null });
    await host.app.listen(0, '127.0.0.1');
    pageUrl = `${(await host.app.getUrl()).replace('[::1]', '127.0.0.1')}${host.admin}/ui`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: accountAdmin('acct-1') });
    page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  const text = (selector: string) => page.locator(selector).first().innerText();
  const waitText = (selector: string, contains: string | RegExp, timeout = 10_000) =>
    page.locator(selector, { hasText: contains }).first().waitFor({ timeout });
  const hash = () => page.evaluate<string>('location.hash');
  const names = async () => (await page.locator('#webhooks tr a.name').allInnerTexts()).sort();
  const scan = async (state: string) => {
    a11y[state] = await axeProblems(page);
  };
  const noHorizontalScroll = async () => {
    const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
    );
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  };
  /** Answers the next dialog, and gives back what it asked. */
  const nextDialog = (answer: 'accept' | 'dismiss') =>
    new Promise<string>((resolve) => {
      page.once('dialog', (dialog: Dialog) => {
        resolve(dialog.message());
        void dialog[answer]();
      });
    });
  const open = async (address: string, ready: string) => {
    await page.goto(`${pageUrl}${address}`);
    await page.reload();
    await page.locator(ready).first().waitFor();
  };

  it("shows an account admin their account by name, and only that account's webhooks with inboxes, description and source", async () => {
    await open('#/', 'html[data-list-drawn="2"]');
    await waitText('#account', 'Account acct-1');
    expect(await names()).toEqual(['CRM', 'Leads to Zapier']);
    const leads = page.locator('#webhooks tr', { hasText: 'Leads to Zapier' });
    expect(await leads.innerText()).toContain('New leads for the sales team');
    expect(await leads.innerText()).toContain('Inboxes: web-1, widget');
    expect(await leads.innerText()).toContain('Made by zapier');
    const crm = page.locator('#webhooks tr', { hasText: 'CRM' });
    expect(await crm.innerText()).toContain('All inboxes');
    expect(await crm.innerText()).toContain('Source: admin');
    expect(await crm.innerText()).not.toContain('Account acct-1'); // said once, in the header
    expect(await page.locator('#account-filter').count()).toBe(0); // no switching for an account admin
    await scan('account admin: list');
    await screenshot(page, 'tenants-01-account-list');
  });

  it('names the account even when it has no webhook yet', async () => {
    await context.setExtraHTTPHeaders(accountAdmin('acct-3'));
    await open('#/', 'html[data-list-drawn="0"]');
    await waitText('#account', 'Account acct-3');
    expect(await text('#webhooks')).toContain('No webhooks yet in account acct-3');
    await scan('account admin: empty list');
    await context.setExtraHTTPHeaders(accountAdmin('acct-1'));
  });

  it("shows a webhook's inboxes, description and source, and asks before editing one an integration made", async () => {
    await open(`#/webhooks/${ids['Leads to Zapier']}`, '#wh-title');
    await waitText('#account', 'Account acct-1');
    expect(await text('#wh-description')).toBe('New leads for the sales team');
    expect(await text('#wh-scope')).toMatch(/Account acct-1 · Inboxes: web-1, widget · Made by zapier/);
    expect(await text('#wh-integration')).toBe('Made by zapier: changing it may break that integration.');
    await scan('account admin: integration webhook');
    await screenshot(page, 'tenants-02-integration-webhook');

    // Dismissed: nothing changes and the view stays.
    let asked = nextDialog('dismiss');
    await page.getByRole('link', { name: 'Edit' }).click();
    expect(await asked).toBe('Made by zapier: changing it may break that integration. Edit "Leads to Zapier" anyway?');
    expect(await hash()).toBe(`#/webhooks/${ids['Leads to Zapier']}`);
    asked = nextDialog('dismiss');
    await page.getByRole('button', { name: 'Disable' }).click();
    expect(await asked).toMatch(/^Made by zapier: disabling it may break that integration/);
    asked = nextDialog('dismiss');
    await page.getByRole('button', { name: 'Delete' }).click();
    expect(await asked).toMatch(/^Made by zapier: deleting it may break that integration\. Delete "Leads to Zapier" and its delivery log anyway\?$/);
    expect(await hash()).toBe(`#/webhooks/${ids['Leads to Zapier']}`);
    expect((await host.http.get(`${host.admin}/${ids['Leads to Zapier']}`).set(PLATFORM).expect(200)).body).toMatchObject({ enabled: true, inboxIds: ['web-1', 'widget'] });

    // Accepted: the form, with the warning, the description and the inboxes.
    asked = nextDialog('accept');
    await page.getByRole('link', { name: 'Edit' }).click();
    await asked;
    await page.locator('#form').waitFor();
    expect(await hash()).toBe(`#/webhooks/${ids['Leads to Zapier']}/edit`);
    expect(await text('#form-integration')).toBe('Made by zapier: changing it may break that integration.');
    expect(await page.getByLabel('Description (optional)').inputValue()).toBe('New leads for the sales team');
    expect(await page.getByLabel('Inboxes (optional)').inputValue()).toBe('web-1, widget');
    expect(await page.locator('#account-id').count()).toBe(0); // an account is fixed once created
    await page.getByLabel('Inboxes (optional)').fill(`web-1, ${'x'.repeat(200)}`);
    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#inbox-ids-error', /inboxIds/);
    await page.getByLabel('Inboxes (optional)').fill('web-1');
    await page.getByLabel('Description (optional)').fill('Leads of the website only');
    await scan('account admin: editing an integration webhook');
    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#wh-note', 'Saved Leads to Zapier.');
    expect((await host.http.get(`${host.admin}/${ids['Leads to Zapier']}`).set(PLATFORM).expect(200)).body)
      .toMatchObject({ inboxIds: ['web-1'], description: 'Leads of the website only', source: 'zapier', accountId: 'acct-1' });
    expect(await text('#wh-scope')).toContain('Inbox: web-1');
  });

  it("deletes an integration's webhook once the admin accepts, and asks nothing for one an admin made", async () => {
    const temp = await make({ name: 'Pabbly flow', accountId: 'acct-1', source: 'pabbly' });
    await open(`#/webhooks/${temp.id}`, '#wh-title');
    const asked = nextDialog('accept');
    await page.getByRole('button', { name: 'Delete' }).click();
    expect(await asked).toMatch(/^Made by pabbly: deleting it may break that integration/);
    await page.locator('html[data-list-drawn="2"]').waitFor();
    await host.http.get(`${host.admin}/${temp.id}`).set(PLATFORM).expect(404);

    await open(`#/webhooks/${ids.CRM}`, '#wh-title');
    let dialogs = 0;
    const count = () => void dialogs++;
    page.on('dialog', count);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.locator('#form').waitFor();
    page.off('dialog', count);
    expect(dialogs).toBe(0);
    expect(await page.locator('#form-integration').count()).toBe(0);
  });

  it('adds a webhook in the account admin\'s own account, with a description and inboxes', async () => {
    await open('#/new', '#form');
    expect(await page.locator('#account-id').count()).toBe(0);
    await page.getByLabel('Name', { exact: true }).fill('Widget hook');
    await page.getByLabel('URL', { exact: true }).fill('https://hooks.example.com/widget');
    await page.getByLabel('Description (optional)').fill('Only the widget');
    await page.getByLabel('Inboxes (optional)').fill('widget, app');
    await page.getByLabel('message.received').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#wh-note', 'Webhook Widget hook added.');
    const id = decodeURIComponent((await hash()).split('/')[2]);
    ids['Widget hook'] = id;
    expect((await host.http.get(`${host.admin}/${id}`).set(PLATFORM).expect(200)).body)
      .toMatchObject({ accountId: 'acct-1', inboxIds: ['widget', 'app'], description: 'Only the widget', source: 'admin' });
  });

  it('lets a platform admin switch account, from the accounts listed or one typed in', async () => {
    await context.setExtraHTTPHeaders(PLATFORM);
    await open('#/', 'html[data-list-drawn="5"]');
    await waitText('#account', 'Platform admin · every account');
    expect(await names()).toEqual(['Audit', 'CRM', 'Leads to Zapier', 'Support Slack', 'Widget hook']);
    expect(await page.locator('#webhooks tr', { hasText: 'Audit' }).innerText()).toContain('Platform-wide: every account');
    expect(await page.locator('#webhooks tr', { hasText: 'Support Slack' }).innerText()).toContain('Account acct-2 · Inbox: web-9');
    expect(await page.locator('#account-filter option').allInnerTexts()).toEqual(['Every account', 'acct-1', 'acct-2']);
    await scan('platform admin: every account');
    await screenshot(page, 'tenants-03-platform-list');

    await page.getByLabel('Show the webhooks of').selectOption('acct-2');
    await waitText('#account', 'Platform admin · account acct-2');
    await page.locator('html[data-list-drawn="1"]').waitFor();
    expect(await names()).toEqual(['Support Slack']);
    await scan('platform admin: one account');

    await page.getByLabel('Another account').fill('acct-9');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await waitText('#webhooks', 'No webhooks yet in account acct-9');
    await waitText('#account', 'Platform admin · account acct-9');
    expect(await page.locator('#account-filter').inputValue()).toBe('acct-9');

    // A reload keeps the account; a new webhook goes in it unless the admin says otherwise.
    await page.reload();
    await waitText('#webhooks', 'No webhooks yet in account acct-9');
    await page.getByRole('link', { name: 'Add a webhook' }).click();
    await page.locator('#form').waitFor();
    expect(await page.getByLabel('Account', { exact: true }).inputValue()).toBe('acct-9');
    await scan('platform admin: new webhook form');
    await page.getByLabel('Name', { exact: true }).fill('Nine');
    await page.getByLabel('URL', { exact: true }).fill('https://hooks.example.com/nine');
    await page.getByLabel('All events (*)').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await waitText('#wh-note', 'Webhook Nine added.');
    expect(await text('#wh-scope')).toContain('Account acct-9');
    await page.getByRole('link', { name: '← All webhooks' }).click();
    await page.locator('html[data-list-drawn="1"]').waitFor();
    expect(await names()).toEqual(['Nine']);

    await page.getByLabel('Show the webhooks of').selectOption('');
    await page.locator('html[data-list-drawn="6"]').waitFor();
    await waitText('#account', 'Platform admin · every account');
    expect(await page.locator('#account-filter option').allInnerTexts()).toEqual(['Every account', 'acct-1', 'acct-2', 'acct-9']);
  });

  it('fits a 360 px screen in each state, with no serious accessibility issue there either', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    const states: Array<[string, Record<string, string>, string, string]> = [
      ['platform list', PLATFORM, '#/', '#account-filter'],
      ['account list', accountAdmin('acct-1'), '#/', 'html[data-list-drawn="3"]'],
      ['integration webhook', accountAdmin('acct-1'), `#/webhooks/${ids['Leads to Zapier']}`, '#wh-integration'],
      ['integration form', accountAdmin('acct-1'), `#/webhooks/${ids['Leads to Zapier']}/edit`, '#form-integration'],
      ['platform form', PLATFORM, '#/new', '#account-id'],
    ];
    for (const [name, headers, address, ready] of states) {
      await context.setExtraHTTPHeaders(headers);
      await open(address, ready);
      await page.locator('#account:not([hidden])').waitFor();
      await noHorizontalScroll();
      await scan(`${name} at 360 px`);
      await screenshot(page, `tenants-04-360px-${name.replace(/ /g, '-')}`);
    }
  });

  it('ran with no script error or CSP violation, and axe found no serious or critical issue in any state', () => {
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    expect(Object.keys(a11y).length).toBeGreaterThanOrEqual(12);
    expect(Object.entries(a11y).filter(([, found]) => found.length > 0)).toEqual([]);
  });
});
