import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { WEBHOOKS_PACKAGE_NAME, WEBHOOKS_PACKAGE_VERSION } from './webhooks.version.js';

describe('webhooks.version', () => {
  it('matches package.json (run `npm run version:sync` after changing it)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(WEBHOOKS_PACKAGE_NAME).toBe(pkg.name);
    expect(WEBHOOKS_PACKAGE_VERSION).toBe(pkg.version);
  });
});
