import { describe, expect, it } from '@jest/globals';
import { accountChoices, accountText, inboxText, integrationOf, integrationWarning, parseInboxIds, scopeText } from './tenancy.js';

describe('accounts, inboxes and sources on the page', () => {
  it('says which inboxes a webhook takes', () => {
    expect(inboxText([])).toBe('All inboxes');
    expect(inboxText(undefined)).toBe('All inboxes');
    expect(inboxText(['web-1'])).toBe('Inbox: web-1');
    expect(inboxText(['web-1', 'widget'])).toBe('Inboxes: web-1, widget');
  });

  it('reads inbox ids typed with commas, spaces or lines, each once', () => {
    expect(parseInboxIds('')).toEqual([]);
    expect(parseInboxIds('  ')).toEqual([]);
    expect(parseInboxIds('web-1, widget\nweb-1  app,')).toEqual(['web-1', 'widget', 'app']);
  });

  it('tells an integration from an admin, and asks before changing what an integration made', () => {
    expect(integrationOf({ source: 'admin' })).toBeNull();
    expect(integrationOf({ source: null })).toBeNull();
    expect(integrationOf({ source: 'zapier' })).toBe('zapier');
    expect(integrationWarning({ source: 'admin', name: 'CRM' }, 'edit')).toBeNull();
    expect(integrationWarning({ source: 'zapier', name: 'Leads' }, 'edit')).toBe('Made by zapier: changing it may break that integration. Edit "Leads" anyway?');
    expect(integrationWarning({ source: 'n8n', name: 'Flow' }, 'delete')).toBe('Made by n8n: deleting it may break that integration. Delete "Flow" and its delivery log anyway?');
    expect(integrationWarning({ source: 'make', name: 'X' }, 'disable')).toMatch(/^Made by make: disabling it/);
  });

  it('names the account acted for, and nothing on a single-tenant install', () => {
    expect(scopeText({ accountId: null, platform: true, multiAccount: false }, null)).toBe('');
    expect(scopeText({ accountId: 'acct-1', platform: false, multiAccount: true }, null)).toBe('Account acct-1');
    expect(scopeText({ accountId: null, platform: true, multiAccount: true }, null)).toBe('Platform admin · every account');
    expect(scopeText({ accountId: null, platform: true, multiAccount: true }, 'acct-2')).toBe('Platform admin · account acct-2');
    expect(accountText('acct-1')).toBe('Account acct-1');
    expect(accountText(null)).toMatch(/^Platform-wide/);
  });

  it('offers the accounts known, the webhooks\' own and the chosen one, sorted, each once', () => {
    const webhooks = [{ accountId: 'acct-10' }, { accountId: null }, { accountId: 'acct-2' }, { accountId: 'acct-2' }];
    expect(accountChoices([], webhooks, null)).toEqual(['acct-2', 'acct-10']);
    expect(accountChoices(['acct-1'], webhooks, 'zeta')).toEqual(['acct-1', 'acct-2', 'acct-10', 'zeta']);
    expect(accountChoices([], [], null)).toEqual([]);
  });
});
