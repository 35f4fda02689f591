import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const HOSTS = join(REPO, 'test', 'hosts');

/** Where the fixture hosts' installs are kept between runs on this machine. */
export const HOSTS_CACHE = process.env.WEBHOOKS_HOSTS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'nestjs-chat-webhooks', 'hosts');

export interface RunResult {
  code: number;
  output: string;
}

/** Runs a command; resolves with its exit code and its stdout and stderr together. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, NODE_OPTIONS: '', ...options.env },
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}${err && code === 1 && !stderr ? String(err) : ''}` });
      },
    );
  });
}

/** Like `run`, but throws with the end of the output when the command fails. */
export async function runOk(command: string, args: string[], options: Parameters<typeof run>[2]): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.code}:\n${result.output.slice(-6000)}`);
  }
  return result.output;
}

const NPM_QUIET = ['--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];

/**
 * `npm pack` of this repository as it is now, made in a copy of it so the
 * build (`prepack`) never touches the working tree's dist/. Resolves to the tarball's path.
 */
export async function packThisPackage(): Promise<string> {
  const copy = mkdtempSync(join(tmpdir(), 'webhooks-pack-'));
  for (const entry of ['package.json', 'README.md', 'nest-cli.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.cjs.json', 'src', 'scripts', 'docs']) {
    cpSync(join(REPO, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const out = join(copy, 'out');
  mkdirSync(out);
  await runOk('npm', ['pack', '--pack-destination', out, '--loglevel=error'], { cwd: copy, timeoutMs: 600_000 });
  const [tarball] = readdirSync(out).filter((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${out}`);
  return join(out, tarball);
}

/**
 * The fixture's dependencies, installed with `npm ci --prefer-offline` once per
 * content of its package.json and package-lock.json and kept in HOSTS_CACHE.
 */
async function cachedInstall(name: string): Promise<string> {
  const fixture = join(HOSTS, name);
  const hash = createHash('sha256')
    .update(readFileSync(join(fixture, 'package.json')))
    .update(readFileSync(join(fixture, 'package-lock.json')))
    .update(process.version)
    .digest('hex')
    .slice(0, 16);
  const cached = join(HOSTS_CACHE, `${name}-${hash}`);
  if (existsSync(join(cached, 'node_modules'))) return cached;
  mkdirSync(HOSTS_CACHE, { recursive: true });
  const staging = mkdtempSync(join(HOSTS_CACHE, `${name}-staging-`));
  try {
    cpSync(join(fixture, 'package.json'), join(staging, 'package.json'));
    cpSync(join(fixture, 'package-lock.json'), join(staging, 'package-lock.json'));
    await runOk('npm', ['ci', '--prefer-offline', ...NPM_QUIET], { cwd: staging, timeoutMs: 900_000 });
    try {
      renameSync(staging, cached);
    } catch {
      // Another run installed the same at the same time: keep its copy.
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return cached;
}

/**
 * A fixture host in a fresh temp folder: its files, its cached dependencies
 * (copied, so the cache stays as installed) and this package from `tarball`,
 * installed the way a user installs it. Resolves to the folder.
 */
export async function installHost(name: string, tarball: string): Promise<string> {
  const cached = await cachedInstall(name);
  const work = mkdtempSync(join(tmpdir(), `webhooks-host-${name}-`));
  cpSync(join(HOSTS, name), work, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)([/\\]|$)/.test(src) });
  await linkTree(join(cached, 'node_modules'), join(work, 'node_modules'));
  // npm rewrites its record of the tree in place: the copy gets a file of its own.
  rmSync(join(work, 'node_modules', '.package-lock.json'), { force: true });
  await runOk('npm', ['install', '--no-save', '--prefer-offline', ...NPM_QUIET, tarball], { cwd: work, timeoutMs: 300_000 });
  return work;
}

/**
 * A copy of `from` whose files are hard links (`cp -al`: a second, not the half
 * minute a real copy of 20,000 files takes here); a real copy where links cannot be made.
 */
async function linkTree(from: string, to: string): Promise<void> {
  const linked = await run('cp', ['-al', from, to], { cwd: dirname(to) });
  if (linked.code === 0) return;
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/** The TypeScript compiler of a host, run on one of its tsconfig files. */
export function tsc(host: string, project: string, emit = false): Promise<string> {
  return runOk(process.execPath, [join(host, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project, ...(emit ? [] : ['--noEmit'])], { cwd: host });
}
