#!/usr/bin/env node
// The admin page: the modules and stylesheet in src/webhooks/admin/ui bundled by esbuild into
// content-hashed files, written beside each build of the module (dist/webhooks/admin/ui, and
// dist/cjs/admin/ui once the CommonJS build is there) with a manifest.js in that build's module
// format, which the page controller loads. Hosts build nothing: these files ship in the package.
// Run from the sources (tests, `nest start`), src/webhooks/admin/ui/manifest.ts calls bundleAdminUi() itself.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The bundled page in memory: `{ script, style, files: [{ name, contents }] }`. */
export async function bundleAdminUi() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { app: 'src/webhooks/admin/ui/main.ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    entryNames: '[name]-[hash]',
    outdir: 'ui-out',
    write: false,
    logLevel: 'silent',
  });
  const files = result.outputFiles.map((f) => ({ name: basename(f.path), contents: Buffer.from(f.contents) }));
  const script = files.find((f) => extname(f.name) === '.js')?.name;
  const style = files.find((f) => extname(f.name) === '.css')?.name;
  if (!script || !style) throw new Error(`The admin page bundle lacks its ${script ? 'stylesheet' : 'script'}: check src/webhooks/admin/ui/main.ts imports styles.css.`);
  return { script, style, files };
}

function manifest(bundle, format) {
  const names = JSON.stringify({ script: bundle.script, style: bundle.style });
  const here = format === 'esm' ? "fileURLToPath(new URL('.', import.meta.url))" : '__dirname';
  const head =
    format === 'esm'
      ? "import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';\nimport { fileURLToPath } from 'node:url';\n"
      : "'use strict';\nconst { readFileSync } = require('node:fs');\nconst { join } = require('node:path');\n";
  const body = `// Written by scripts/build-ui.mjs: the admin page's bundled files beside this one.
const names = ${names};
const here = ${here};
${format === 'esm' ? 'export ' : ''}async function loadWebhooksAdminUi() {
  const files = new Map();
  for (const name of Object.values(names)) files.set(name, readFileSync(join(here, name)));
  return { script: names.script, style: names.style, files };
}
`;
  return head + body + (format === 'esm' ? '' : 'exports.loadWebhooksAdminUi = loadWebhooksAdminUi;\n');
}

function write(dir, bundle, format) {
  const out = fileURLToPath(new URL(dir, `file://${root}/`));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const f of bundle.files) writeFileSync(`${out}/${f.name}`, f.contents);
  writeFileSync(`${out}/manifest.js`, manifest(bundle, format));
  console.log(`Admin page in ${dir}: ${bundle.files.map((f) => f.name).join(', ')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bundle = await bundleAdminUi();
  write('dist/webhooks/admin/ui/', bundle, 'esm');
  if (existsSync(`${root}/dist/cjs/package.json`)) write('dist/cjs/admin/ui/', bundle, 'cjs');
}
