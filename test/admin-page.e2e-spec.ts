import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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

  async function page() {
    const res = await host.http.get(`${host.admin}/ui`).expect(200);
    const script = res.text.match(/<script type="module" src="([^"]+)"><\/script>/)?.[1];
    const style = res.text.match(/<link rel="stylesheet" href="([^"]+)">/)?.[1];
    return { res, html: res.text, script: script!, style: style! };
  }

  it('serves a page whose only script and style are its own bundled files, under a CSP that allows nothing inline', async () => {
    const { res, html, script, style } = await page();
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html).toContain('Admin → Live Chat → Webhooks');
    expect(script).toMatch(new RegExp(`^${host.admin}/ui/assets/app-[A-Z0-9]+\\.js$`));
    expect(style).toMatch(new RegExp(`^${host.admin}/ui/assets/app-[A-Z0-9]+\\.css$`));
    expect(html).not.toMatch(/<script>|<style|\sstyle="|\son[a-z]+="/);

    const csp = res.headers['content-security-policy'].split('; ');
    expect(csp).toEqual(expect.arrayContaining(["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]));
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-|sha256-|nonce-|\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('serves the bundled files by their content-hashed names, cached for good, with no guard (they hold no data)', async () => {
    const { script, style } = await page();
    const js = await host.http.get(script).expect(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    const code = js.body instanceof Buffer ? js.body.toString('utf8') : js.text;
    expect(code.length).toBeGreaterThan(10_000);
    // Values from the API are written as text: the bundle never parses HTML.
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    const css = await host.http.get(style).expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.text).toContain('.badge');
  });

  it('answers 404 for any other file name', async () => {
    await host.http.get(`${host.admin}/ui/assets/app.js`).expect(404);
    await host.http.get(`${host.admin}/ui/assets/..%2F..%2Fpackage.json`).expect(404);
    await host.http.get(`${host.admin}/ui/assets/manifest.js`).expect(404);
  });

  it('points at its files from the address it was asked at, trailing slash or not', async () => {
    const res = await host.http.get(`${host.admin}/ui/`);
    if (res.status === 200) expect(res.text).toContain(`src="${host.admin}/ui/assets/app-`);
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

  it('tells the page, on an install without adminScope, that there are no accounts to name', async () => {
    expect((await hidden.http.get(`${hidden.admin}/scope`).expect(200)).body).toEqual({ accountId: null, platform: true, multiAccount: false });
    await host.http.get(`${host.admin}/scope`).expect(403); // behind the guards like the rest of the API
  });

  it('is not served when adminUi is false', async () => {
    await hidden.http.get(`${hidden.admin}/ui`).expect(404);
    await hidden.http.get(`${hidden.admin}/ui/assets/app.js`).expect(404);
  });
});
