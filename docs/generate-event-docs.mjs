#!/usr/bin/env node
// Writes docs/events.md and docs/events/<event>.json from the event catalog of
// the built module (run `npm run build` first; `npm run docs:events` does both).
// `--check` writes nothing and exits 1 when the committed docs are not current.
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docs = join(root, 'docs');
const check = process.argv.includes('--check');

const load = (path) =>
  import(join(root, 'dist', path)).catch((err) => {
    console.error(`Cannot load dist/${path} (${err.message}). Run \`npm run build\` first, or use \`npm run docs:events\`.`);
    process.exit(2);
  });
const { builtInWebhookCatalog } = await load('webhooks/events/webhook-payload.factory.js');
const { renderWebhookEventDocs, renderReadmeEventsTable, README_EVENTS_START, README_EVENTS_END } = await load('webhooks/events/webhook-event.docs.js');

const files = renderWebhookEventDocs(builtInWebhookCatalog());
const existingSchemas = (await readdir(join(docs, 'events')).catch(() => [])).filter((f) => f.endsWith('.json'));
const stale = existingSchemas.map((f) => `events/${f}`).filter((path) => !files.has(path));

const differing = [];
for (const [path, content] of files) {
  const current = await readFile(join(docs, path), 'utf8').catch(() => null);
  if (current === content) continue;
  differing.push(path);
  if (!check) {
    await mkdir(dirname(join(docs, path)), { recursive: true });
    await writeFile(join(docs, path), content);
  }
}
if (!check) for (const path of stale) await rm(join(docs, path));

// The README's events table, between its two markers.
const readmePath = join(root, 'README.md');
const readme = await readFile(readmePath, 'utf8');
const start = readme.indexOf(README_EVENTS_START);
const end = readme.indexOf(README_EVENTS_END);
if (start === -1 || end === -1) {
  console.error(`README.md lacks the markers ${README_EVENTS_START} ... ${README_EVENTS_END}`);
  process.exit(2);
}
const table = renderReadmeEventsTable(builtInWebhookCatalog());
const readmeCurrent = readme.slice(start, end + README_EVENTS_END.length) === table;
if (!readmeCurrent) {
  differing.push('../README.md (events table)');
  if (!check) await writeFile(readmePath, readme.slice(0, start) + table + readme.slice(end + README_EVENTS_END.length));
}

if (check) {
  const problems = [...differing.map((p) => `docs/${p} is not current`), ...stale.map((p) => `docs/${p} names no event`)];
  if (problems.length) {
    console.error(`${problems.join('\n')}\nRun \`npm run docs:events\` and commit the result.`);
    process.exit(1);
  }
  console.log(`docs/events.md and ${files.size - 1} schemas are current.`);
} else {
  console.log(`Wrote ${differing.length} file(s), removed ${stale.length}; ${files.size} generated files under docs/.`);
}
