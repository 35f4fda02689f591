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

/** A package of the README's install lines: `@nestjs/bull@^11` → name `@nestjs/bull`, major 11. */
export interface InstallSpec {
  name: string;
  /** The major a `@^N` pins; undefined when unpinned (npm takes the latest). */
  major?: number;
  optional: boolean;
}

/**
 * The packages of the README's install lines for a NestJS major ("For a **NestJS 12** app"):
 * the first `npm install` line is required, the next ones optional. This package itself
 * is left out: the hosts install it from the packed tarball.
 */
export function readmeInstallSpecs(nestMajor: number): InstallSpec[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf(`For a **NestJS ${nestMajor}** app`);
  if (start < 0) throw new Error(`README.md has no install lines "For a **NestJS ${nestMajor}** app"`);
  const block = /```bash\n([\s\S]*?)```/.exec(readme.slice(start))?.[1];
  if (!block) throw new Error(`README.md has no bash block after "For a **NestJS ${nestMajor}** app"`);
  const commands = block.replace(/\\\n/g, ' ').split('\n').map((line) => line.replace(/#.*$/, '').trim()).filter(Boolean);
  return commands.flatMap((command, index) => {
    const [npm, install, ...packages] = command.split(/\s+/);
    if (npm !== 'npm' || install !== 'install') throw new Error(`Not an npm install line in README.md: ${command}`);
    return packages
      .filter((spec) => spec !== 'nestjs-chat-webhooks')
      .map((spec) => {
        const at = spec.lastIndexOf('@');
        const name = at > 0 ? spec.slice(0, at) : spec;
        const range = at > 0 ? spec.slice(at + 1) : undefined;
        const major = range === undefined ? undefined : Number(/^\^(\d+)$/.exec(range)?.[1] ?? NaN);
        if (Number.isNaN(major)) throw new Error(`README.md pins ${spec}: only "^N" ranges are checked here`);
        return { name, major, optional: index > 0 };
      });
  });
}

/** The version the fixture's package-lock.json installs for a direct dependency, or undefined. */
export function lockedVersion(host: string, name: string): string | undefined {
  const lock = JSON.parse(readFileSync(join(HOSTS, host, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  return lock.packages[`node_modules/${name}`]?.version;
}

/** The fixture's `dependencies` (what its package.json says it needs to run). */
export function hostDependencies(host: string): Record<string, string> {
  return (JSON.parse(readFileSync(join(HOSTS, host, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
}
