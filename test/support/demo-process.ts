import { transformFile } from '@swc/core';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(ROOT, 'src');

/** The same SWC settings as jest's transform: the demo runs the code the unit and e2e tests run. */
const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript' as const, decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022' as const,
    keepClassNames: true,
  },
  module: { type: 'es6' as const },
  sourceMaps: 'inline' as const,
  swcrc: false,
  configFile: false,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

let built: Promise<string> | undefined;

/**
 * The demo compiled to runnable JS, once per set of sources: `src/` transpiled
 * with SWC into a directory of the temp dir named by a hash of the sources, with
 * a copy of package.json and a link to node_modules beside it, so that
 * `node <dir>/dist/main.js` runs as `node dist/main.js` would. Type checking is
 * `npm run typecheck`'s job. Resolves to the path of main.js.
 */
export function buildDemo(): Promise<string> {
  built ??= build();
  return built;
}

async function build(): Promise<string> {
  const files = sourceFiles(SRC).sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(SRC, file)).update('\0').update(readFileSync(file)).update('\0');
  // The checkout too: the build links to its node_modules.
  hash.update(readFileSync(join(ROOT, 'package.json'))).update(ROOT);
  const target = join(tmpdir(), `nestjs-chat-webhooks-demo-${hash.digest('hex').slice(0, 16)}`);
  const main = join(target, 'dist', 'main.js');
  if (existsSync(join(target, '.complete'))) return main;

  const staging = `${target}.${process.pid}.${randomBytes(4).toString('hex')}`;
  mkdirSync(join(staging, 'dist'), { recursive: true });
  writeFileSync(join(staging, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  symlinkSync(join(ROOT, 'node_modules'), join(staging, 'node_modules'), 'dir');
  await Promise.all(
    files.map(async (file) => {
      const out = join(staging, 'dist', relative(SRC, file)).replace(/\.ts$/, '.js');
      const { code } = await transformFile(file, SWC_OPTIONS);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, code);
    }),
  );
  writeFileSync(join(staging, '.complete'), new Date().toISOString());
  removeStaleBuilds();
  try {
    renameSync(staging, target);
  } catch (err) {
    // Another jest worker finished the same build first: use its copy.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(target, '.complete'))) throw err;
  }
  return main;
}

/** Builds of older sources, a day after they were made. */
function removeStaleBuilds(): void {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('nestjs-chat-webhooks-demo-')) continue;
    const dir = join(tmpdir(), name);
    try {
      if (statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another run removed it first.
    }
  }
}

export interface DemoProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  child: ChildProcess;
  /** Everything it printed, stdout and stderr. */
  output(): string;
  /** Sends `signal` and resolves once the process has exited, with its exit code or signal. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Variables of the test runner that must not leak into the demo. */
const STRIPPED = /^(NODE_OPTIONS|JEST_.*|PORT|DATABASE_URL|REDIS_URL|ADMIN_TOKEN|WEBHOOKS_.*)$/;

/**
 * Starts the built demo (`node dist/main.js`) with `env` on a free port and
 * resolves once `GET /health` answers 200; rejects with its output when it
 * exits or is not healthy within `timeoutMs`.
 */
export async function startDemo(env: Record<string, string>, { timeoutMs = 30_000, worker = false } = {}): Promise<DemoProcess> {
  const main = await buildDemo();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !STRIPPED.test(name)));
  // `--worker`: what `npm run start:worker` runs.
  const child = spawn(process.execPath, worker ? [main, '--worker'] : [main], {
    env: { ...inherited, NO_COLOR: '1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((e) => (exit = e));

  const demo: DemoProcess = {
    url: '',
    child,
    output: () => output,
    kill: async (signal = 'SIGKILL') => {
      if (!exit) child.kill(signal);
      return exited;
    },
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit) throw new Error(`The demo exited (${exit.code ?? exit.signal}) before it was healthy:\n${output}`);
    if (Date.now() > deadline) {
      await demo.kill();
      throw new Error(`The demo was not healthy within ${timeoutMs} ms:\n${output}`);
    }
    const port = /(?:Live-chat demo|Webhook delivery worker) listening on https?:\/\/[^:\s]+:(\d+)/.exec(output)?.[1];
    if (port) {
      const url = `http://127.0.0.1:${port}`;
      const health = await fetch(`${url}/health`).catch(() => undefined);
      if (health?.status === 200) return Object.assign(demo, { url });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
