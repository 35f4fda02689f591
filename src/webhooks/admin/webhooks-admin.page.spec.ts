import { describe, expect, it } from '@jest/globals';
import { renderWebhooksAdminPage } from './webhooks-admin.page.js';

describe('renderWebhooksAdminPage', () => {
  it('shows a labelled rateLimit field only when the API takes rateLimit', () => {
    const without = renderWebhooksAdminPage('admin/hooks', { rateLimit: false });
    const withIt = renderWebhooksAdminPage('admin/hooks', { rateLimit: true });
    expect(without).not.toContain('id="rate-limit"');
    expect(withIt).toContain('<label for="rate-limit">');
    expect(withIt).toMatch(/<input id="rate-limit" type="number" min="0.1" max="1000"/);
  });

  it('has one script and one style, and no inline style attribute a strict CSP would block', () => {
    const html = renderWebhooksAdminPage('admin/hooks', { rateLimit: true });
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+="/); // no inline event handlers either
    expect(html).toContain('const API = "/admin/hooks";');
  });
});
