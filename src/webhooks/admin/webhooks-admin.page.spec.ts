import { describe, expect, it } from '@jest/globals';
import { renderWebhooksAdminPage } from './webhooks-admin.page.js';

const bundle = { script: 'app-ABC123.js', style: 'app-DEF456.css' };

describe('renderWebhooksAdminPage', () => {
  it('loads the bundled script and stylesheet from the assets path, with nothing inline a strict CSP would block', () => {
    const html = renderWebhooksAdminPage('/admin/hooks/ui/assets/', bundle, { rateLimit: true, requireHttps: true });
    expect(html).toContain('<link rel="stylesheet" href="/admin/hooks/ui/assets/app-DEF456.css">');
    expect(html).toContain('<script type="module" src="/admin/hooks/ui/assets/app-ABC123.js"></script>');
    expect(html).not.toMatch(/<script>|<script type="module">|<style/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+="/);
  });

  it('tells the script what the API takes in data attributes', () => {
    expect(renderWebhooksAdminPage('/a/ui/assets/', bundle, { rateLimit: false, requireHttps: true })).toContain('data-rate-limit="false" data-require-https="true"');
    expect(renderWebhooksAdminPage('/a/ui/assets/', bundle, { rateLimit: true, requireHttps: false })).toContain('data-rate-limit="true" data-require-https="false"');
  });

  it('escapes the path it was asked at', () => {
    const html = renderWebhooksAdminPage('/a/"><x>/ui/assets/', bundle, { rateLimit: false, requireHttps: true });
    expect(html).toContain('href="/a/&quot;&gt;&lt;x&gt;/ui/assets/app-DEF456.css"');
    expect(html).not.toContain('"><x>');
  });
});
