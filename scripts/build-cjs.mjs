#!/usr/bin/env node
// The CommonJS build of the module, beside the ES module one that `nest build` makes:
// `tsc -p tsconfig.cjs.json` into dist/cjs, which gets a package.json of its own so Node
// (and TypeScript) read its .js and .d.ts files as CommonJS inside this "type": "module" package.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = new URL('../dist/cjs/', import.meta.url);
rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
writeFileSync(new URL('package.json', out), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');
console.log('CommonJS build in dist/cjs');
