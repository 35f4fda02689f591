import { describe, expect, it } from '@jest/globals';
import type { LookupAddress } from 'node:dns';
import { WebhookBlockedAddressError } from '../errors/webhook-blocked-address.error.js';
import { WebhookUrlError } from '../errors/webhook-url.error.js';
import { resolveWebhooksOptions } from '../webhooks.options.js';
import type { WebhooksModuleOptions } from '../webhooks.options.js';
import type { WebhookDnsLookup, WebhookResolvedAddress } from '../webhooks.types.js';
import { WebhookUrlPolicy } from './webhook-url.policy.js';

const a = (address: string): WebhookResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 });

/** A resolver from a table; unknown names do not resolve. Records every name asked. */
function fakeDns(table: Record<string, string[]>): WebhookDnsLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string) => {
    asked.push(hostname);
    const found = table[hostname.toLowerCase()];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map(a);
  };
  return Object.assign(lookup, { asked });
}

const DNS: Record<string, string[]> = {
  'example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'localhost': ['127.0.0.1', '::1'],
  'localhost.': ['127.0.0.1'],
  'metadata.google.internal': ['169.254.169.254'],
  'mixed.example': ['93.184.216.34', '10.0.0.5'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'nat64.example': ['64:ff9b::a9fe:a9fe'],
  'n8n.internal': ['10.9.9.9'],
  'hooks.corp.example': ['192.168.7.7'],
  'corp.example': ['192.168.7.8'],
  'in-range.example': ['10.1.2.8'],
  'out-of-range.example': ['10.1.3.8'],
};

function policy(options: WebhooksModuleOptions = {}, table = DNS) {
  const dns = fakeDns(table);
  return { policy: new WebhookUrlPolicy(resolveWebhooksOptions({ dnsLookup: dns, ...options })), dns };
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the URL to be refused');
}

/** Every spelling the issue lists, and more, each naming a blocked address. */
const PRIVATE_URLS: Array<[url: string, reason: string]> = [
  ['https://127.0.0.1/hook', 'loopback'],
  ['https://127.1/hook', 'loopback'],
  ['https://127.0.1/hook', 'loopback'],
  ['https://0x7f000001/hook', 'loopback'],
  ['https://0x7f.1/hook', 'loopback'],
  ['https://2130706433/hook', 'loopback'],
  ['https://0177.0.0.1/hook', 'loopback'],
  ['https://017700000001/hook', 'loopback'],
  ['https://127.000.000.001/hook', 'loopback'],
  ['https://127.0.0.1./hook', 'loopback'],
  ['https://%31%32%37.0.0.1/hook', 'loopback'],
  ['https://１２７.０.０.１/hook', 'loopback'],
  ['https://127.0.0.1:8443/hook', 'loopback'],
  ['https://[::1]/hook', 'loopback'],
  ['https://[0:0:0:0:0:0:0:1]/hook', 'loopback'],
  ['https://[::ffff:127.0.0.1]/hook', 'loopback, IPv4-mapped'],
  ['https://[::ffff:7f00:1]/hook', 'loopback, IPv4-mapped'],
  ['https://[::127.0.0.1]/hook', 'loopback, IPv4-compatible'],
  ['https://[64:ff9b::127.0.0.1]/hook', 'loopback, NAT64'],
  ['https://[64:ff9b::7f00:1]/hook', 'loopback, NAT64'],
  ['https://[2002:7f00:1::]/hook', 'loopback, 6to4'],
  ['https://[2002:7f00:0001:0:0:0:0:1]/hook', 'loopback, 6to4'],
  ['https://0/hook', 'unspecified'],
  ['https://0.0.0.0/hook', 'unspecified'],
  ['https://[::]/hook', 'unspecified'],
  ['https://10.0.0.5/hook', 'private (RFC 1918)'],
  ['https://172.16.0.1/hook', 'private (RFC 1918)'],
  ['https://172.31.255.254/hook', 'private (RFC 1918)'],
  ['https://192.168.1.1/hook', 'private (RFC 1918)'],
  ['https://[::ffff:10.0.0.5]/hook', 'private (RFC 1918), IPv4-mapped'],
  ['https://[::ffff:192.168.0.1]/hook', 'private (RFC 1918), IPv4-mapped'],
  ['https://[64:ff9b::10.0.0.5]/hook', 'private (RFC 1918), NAT64'],
  ['https://[2002:c0a8:101::]/hook', 'private (RFC 1918), 6to4'],
  ['https://100.64.0.1/hook', 'carrier-grade NAT'],
  ['https://169.254.169.254/latest/meta-data/', 'link-local (cloud metadata)'],
  ['https://[::ffff:169.254.169.254]/latest/meta-data/', 'link-local (cloud metadata), IPv4-mapped'],
  ['https://[64:ff9b::a9fe:a9fe]/latest/meta-data/', 'link-local (cloud metadata), NAT64'],
  ['https://[2002:a9fe:a9fe::]/latest/meta-data/', 'link-local (cloud metadata), 6to4'],
  ['https://[fd00:ec2::254]/latest/meta-data/', 'unique-local'],
  ['https://[fc00::1]/hook', 'unique-local'],
  ['https://[fe80::1]/hook', 'link-local'],
  ['https://224.0.0.1/hook', 'multicast'],
  ['https://[ff02::1]/hook', 'multicast'],
  ['https://255.255.255.255/hook', 'broadcast'],
  ['https://192.0.2.1/hook', 'documentation'],
  ['https://198.51.100.7/hook', 'documentation'],
  ['https://203.0.113.9/hook', 'documentation'],
  ['https://[2001:db8::1]/hook', 'documentation'],
  ['https://240.0.0.1/hook', 'reserved'],
  ['https://localhost/hook', 'loopback'],
  ['https://LOCALHOST./hook', 'loopback'],
  ['https://metadata.google.internal/computeMetadata/v1/', 'link-local (cloud metadata)'],
  ['https://mixed.example/hook', 'private (RFC 1918)'],
  ['https://mapped.example/hook', 'loopback, IPv4-mapped'],
  ['https://nat64.example/hook', 'link-local (cloud metadata), NAT64'],
];

describe('WebhookUrlPolicy: addresses on create/update (allowPrivateNetworks false)', () => {
  it.each(PRIVATE_URLS)('refuses %s as private (%s)', async (url, reason) => {
    const err = await refusal(policy().policy.check(url));
    expect(err).toBeInstanceOf(WebhookBlockedAddressError);
    expect(err.message).toContain('private');
    expect(err.message).toContain(reason);
    expect(err.message).toMatch(/allowPrivateNetworks|allowedHosts/);
  });

  it.each([
    'https://example.com/hook',
    'https://EXAMPLE.com:8443/a/b?c=d#e',
    'https://93.184.216.34/hook',
    'https://8.8.8.8/hook',
    'https://172.32.0.1/hook',
    'https://[2606:4700::6810:85e5]/hook',
    'https://[::ffff:8.8.8.8]/hook',
    'https://[64:ff9b::808:808]/hook',
  ])('lets the public %s through', async (url) => {
    await expect(policy().policy.check(url)).resolves.toBeInstanceOf(URL);
  });

  it('resolves names through dnsLookup, and answers a name that does not resolve with a url error', async () => {
    const { policy: p, dns } = policy();
    await p.check('https://example.com/');
    expect(dns.asked).toEqual(['example.com']);
    const err = await refusal(p.check('https://nowhere.invalid/'));
    expect(err).toBeInstanceOf(WebhookUrlError);
    expect(err.message).toBe('url host "nowhere.invalid" could not be resolved (ENOTFOUND)');
  });

  it('does not resolve IP literals, and resolves nothing when private networks are allowed', async () => {
    const { policy: p, dns } = policy();
    await refusal(p.check('https://10.0.0.1/'));
    expect(dns.asked).toEqual([]);
    const open = policy({ allowPrivateNetworks: true });
    await expect(open.policy.check('https://127.0.0.1/')).resolves.toBeInstanceOf(URL);
    await expect(open.policy.check('https://localhost/')).resolves.toBeInstanceOf(URL);
    expect(open.dns.asked).toEqual([]);
  });

  it('gives up on a resolver that does not answer within requestTimeoutMs', async () => {
    const hanging: WebhookDnsLookup = () => new Promise(() => undefined);
    const p = new WebhookUrlPolicy(resolveWebhooksOptions({ dnsLookup: hanging, requestTimeoutMs: 50 }));
    const err = await refusal(p.check('https://slow.example/'));
    expect(err).toBeInstanceOf(WebhookUrlError);
    expect(err.message).toMatch(/could not be resolved/);
  });
});

describe('WebhookUrlPolicy: the form of a URL', () => {
  it.each<[unknown, string]>([
    ['javascript:alert(1)', 'url must use http or https, not javascript'],
    ['JaVaScRiPt:alert(document.cookie)', 'url must use http or https, not javascript'],
    ['file:///etc/passwd', 'url must use http or https, not file'],
    ['data:text/plain,hello', 'url must use http or https, not data'],
    ['ftp://example.com/x', 'url must use http or https, not ftp'],
    ['gopher://example.com:70/_x', 'url must use http or https, not gopher'],
    ['http://example.com/hook', 'Webhook URL must use HTTPS'],
    ['https://user:pw@example.com/hook', 'url must not contain credentials'],
    ['https://user@example.com/hook', 'url must not contain credentials'],
    ['https://:pw@example.com/hook', 'url must not contain credentials'],
    ['https://example.com:0/hook', 'url port must be between 1 and 65535'],
    ['https://example.com:65536/hook', 'url port must be between 1 and 65535'],
    ['https://example.com:99999999/hook', 'url port must be between 1 and 65535'],
    ['https://[::1]:70000/hook', 'url port must be between 1 and 65535'],
    ['https://example.com:-1/hook', 'url must be an absolute http(s) URL'],
    ['https://example.com:port/hook', 'url must be an absolute http(s) URL'],
    ['example.com/hook', 'url must be an absolute http(s) URL'],
    ['//example.com/hook', 'url must be an absolute http(s) URL'],
    ['https://', 'url must be an absolute http(s) URL'],
    ['https://[fe80::1%25eth0]/', 'url must be an absolute http(s) URL'],
    ['', 'url must be an absolute https URL'],
    [42, 'url must be an absolute https URL'],
    [null, 'url must be an absolute https URL'],
  ])('refuses %j: %s', async (url, message) => {
    const p = policy().policy;
    expect(() => p.parse(url)).toThrow(WebhookUrlError);
    expect(() => p.parse(url)).toThrow(message);
    const err = await refusal(p.check(url));
    expect(err.message).toContain(message);
  });

  it('takes http URLs when requireHttps is false, and the ports 1 and 65535', () => {
    const p = policy({ requireHttps: false }).policy;
    expect(p.parse('http://example.com/hook').protocol).toBe('http:');
    expect(p.parse('https://example.com:1/').port).toBe('1');
    expect(p.parse('https://example.com:65535/').port).toBe('65535');
  });
});

describe('WebhookUrlPolicy: before each attempt and at connect time', () => {
  it('checks the stored URL again before sending: requireHttps, credentials and IP literals, without DNS', () => {
    const { policy: p, dns } = policy();
    expect(() => p.checkBeforeConnect('http://example.com/hook')).toThrow('Webhook URL must use HTTPS');
    expect(() => p.checkBeforeConnect('https://u:p@example.com/hook')).toThrow('credentials');
    expect(() => p.checkBeforeConnect('https://0x7f000001/hook')).toThrow(WebhookBlockedAddressError);
    expect(() => p.checkBeforeConnect('https://[::ffff:169.254.169.254]/')).toThrow(/private.*cloud metadata/);
    expect(p.checkBeforeConnect('https://localhost/hook').hostname).toBe('localhost');
    expect(dns.asked).toEqual([]);
    expect(() => policy({ allowPrivateNetworks: true }).policy.checkBeforeConnect('http://127.0.0.1/')).toThrow('HTTPS');
  });

  function lookup(p: WebhookUrlPolicy, hostname: string, options: { all?: boolean; family?: number } = {}) {
    return new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
      p.lookup(hostname, options as never, (err, address, family) => resolve({ err, address, family })),
    );
  }

  it('resolves at connect time through the same dnsLookup and refuses a name that now points inside (rebinding)', async () => {
    let answer = ['93.184.216.34'];
    const rebinding: WebhookDnsLookup = async () => answer.map(a);
    const p = new WebhookUrlPolicy(resolveWebhooksOptions({ dnsLookup: rebinding }));
    await expect(p.check('https://rebind.example/hook')).resolves.toBeInstanceOf(URL);
    expect(await lookup(p, 'rebind.example')).toEqual({ err: null, address: '93.184.216.34', family: 4 });

    answer = ['127.0.0.1'];
    const blocked = await lookup(p, 'rebind.example', { all: true });
    expect(blocked.err).toBeInstanceOf(WebhookBlockedAddressError);
    expect(blocked.err!.message).toContain('rebind.example (127.0.0.1) is loopback');

    answer = ['93.184.216.34', '169.254.169.254'];
    expect((await lookup(p, 'rebind.example')).err).toBeInstanceOf(WebhookBlockedAddressError);
  });

  it('answers lookups as Node asks for them: all, one, or one family', async () => {
    const p = policy().policy;
    expect(await lookup(p, 'example.com', { all: true })).toEqual({
      err: null,
      address: [a('93.184.216.34'), a('2606:2800:220:1:248:1893:25c8:1946')],
      family: undefined,
    });
    expect(await lookup(p, 'example.com', { family: 6 })).toEqual({ err: null, address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 });
    const missing = await lookup(p, 'nowhere.invalid');
    expect(missing.err?.code).toBe('ENOTFOUND');
    const none = await lookup(new WebhookUrlPolicy(resolveWebhooksOptions({ dnsLookup: async () => [] })), 'empty.example');
    expect(none.err?.code).toBe('ENOTFOUND');
    const throwing = await lookup(
      new WebhookUrlPolicy(resolveWebhooksOptions({ dnsLookup: () => { throw new Error('resolver broke'); } })),
      'x.example',
    );
    expect(throwing.err?.message).toBe('resolver broke');
  });

  it('fails closed when a resolver returns something that is not an address', async () => {
    const p = new WebhookUrlPolicy(resolveWebhooksOptions({ dnsLookup: async () => [{ address: 'evil', family: 4 }] }));
    expect((await lookup(p, 'x.example')).err).toBeInstanceOf(WebhookBlockedAddressError);
  });
});

describe('WebhookUrlPolicy: allowedHosts', () => {
  const allowedHosts = ['n8n.internal', '10.1.2.0/24', '*.corp.example', 'fd00:1::/64', '127.0.0.1'];

  it.each([
    'https://n8n.internal/webhook/abc',
    'https://N8N.internal./webhook/abc',
    'https://10.1.2.7/hook',
    'https://in-range.example/hook',
    'https://hooks.corp.example/hook',
    'https://[fd00:1::5]/hook',
    'https://127.0.0.1:5678/hook',
    'https://[::ffff:10.1.2.9]/hook',
  ])('lets %s through', async (url) => {
    await expect(policy({ allowedHosts }).policy.check(url)).resolves.toBeInstanceOf(URL);
  });

  it.each([
    'https://10.1.3.1/hook',
    'https://out-of-range.example/hook',
    'https://corp.example/hook',
    'https://[fd00:2::5]/hook',
    'https://127.0.0.2/hook',
    'https://localhost/hook',
    'https://169.254.169.254/',
  ])('still refuses %s', async (url) => {
    const err = await refusal(policy({ allowedHosts }).policy.check(url));
    expect(err.message).toContain('private');
  });

  it('applies at connect time and before each attempt too, and does not relax requireHttps', async () => {
    const p = policy({ allowedHosts }).policy;
    const r = await new Promise<NodeJS.ErrnoException | null>((resolve) => p.lookup('n8n.internal', {}, (err) => resolve(err)));
    expect(r).toBeNull();
    expect(p.checkBeforeConnect('https://10.1.2.200/').hostname).toBe('10.1.2.200');
    expect(() => p.checkBeforeConnect('https://10.1.3.200/')).toThrow(WebhookBlockedAddressError);
    expect(() => p.parse('http://n8n.internal/')).toThrow('Webhook URL must use HTTPS');
  });

  it.each([
    [['10.1.2.0/33'], /"10.1.2.0\/33" is not a valid IP address or CIDR network/],
    [['10.1.2'], /not a valid IP address or CIDR network/],
    [['fd00::/129'], /not a valid IP address or CIDR network/],
    [['https://n8n.internal'], /is a URL, not a host name/],
    [['n8n internal'], /is not a host name/],
    [['*'], /is not a host name/],
    [[''], /empty or non-string entry/],
    [[42], /empty or non-string entry/],
    ['n8n.internal', /must be an array/],
  ])('refuses the malformed option allowedHosts %j at start', (entries, message) => {
    expect(() => resolveWebhooksOptions({ allowedHosts: entries as string[] })).toThrow(TypeError);
    expect(() => resolveWebhooksOptions({ allowedHosts: entries as string[] })).toThrow(message);
  });

  it('refuses a dnsLookup that is not a function', () => {
    expect(() => resolveWebhooksOptions({ dnsLookup: 'dns' as never })).toThrow(/"dnsLookup" must be a function/);
  });
});
