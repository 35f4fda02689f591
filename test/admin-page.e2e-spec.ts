import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

describe('the admin page at /<adminPath>/ui', () => {
  let host: WebhooksHost;
  let hidden: WebhooksHost;

  beforeAll(async () => {
    host = await bootWebhooksHost({ options: { adminGuards: [{ canActivate: () => false }] } });
    hidden = await bootWebhooksHost({ options: { adminUi: false } });
  });

  afterAll(async () => {
    await host?.close();
    await hidden?.close();
  });

  it('serves a page that drives the admin API, with only its own script allowed to run', async () => {
    const res = await host.http.get(`${host.admin}/ui`).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.text;
    expect(html).toContain('Admin → Live Chat → Webhooks');
    expect(html).toContain(`const API = "${host.admin}";`);

    const script = html.match(/<script>([\s\S]*?)<\/script>/)![1];
    expect(() => new Function(script)).not.toThrow();
    const hash = createHash('sha256').update(script).digest('base64');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('keeps the API behind the guards the page itself is not behind', async () => {
    await host.http.get(host.admin).expect(403);
    await host.http.get(`${host.admin}/events`).expect(403);
  });

  it('answers /ui/ with the same page', async () => {
    const slashed = await host.http.get(`${host.admin}/ui/`).expect(200);
    expect(slashed.text).toBe((await host.http.get(`${host.admin}/ui`)).text);
    await host.http.get(`${host.admin}/ui/anything`).expect(404); // not the page
  });

  it('is not served when adminUi is false', async () => {
    await hidden.http.get(`${hidden.admin}/ui`).expect(404);
  });
});
