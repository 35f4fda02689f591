#!/usr/bin/env node
// Writes the name and version of package.json into src/webhooks/webhooks.version.ts.
// Runs on `npm version` (the "version" script), so a release never ships a stale User-Agent.
import { readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const file = new URL('../src/webhooks/webhooks.version.ts', import.meta.url);
const text = readFileSync(file, 'utf8')
  .replace(/(WEBHOOKS_PACKAGE_NAME = )'[^']*'/, `$1'${pkg.name}'`)
  .replace(/(WEBHOOKS_PACKAGE_VERSION = )'[^']*'/, `$1'${pkg.version}'`);
writeFileSync(file, text);
console.log(`webhooks.version.ts: ${pkg.name} ${pkg.version}`);
