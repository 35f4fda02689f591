#!/usr/bin/env node
// The npm registry reachable here serves only some platforms' builds of native
// packages (@swc/core-*, @unrs/resolver-binding-*, msgpackr-extract-*). `npm install`
// then leaves the other platforms' optional packages out of package-lock.json, and
// `npm ci` refuses the lock ("Missing: ... from lock file"). This adds the entries npm
// would have written on a full registry: version, optional, and the os/cpu/libc read
// from the package name, so `npm ci` skips them on every other platform.
// Run it after `npm install` whenever package-lock.json changes; give another lock file's
// path to complete that one (the fixture hosts' under test/hosts/).
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ? new URL(process.argv[2], `file://${process.cwd()}/`) : new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = [
  ['arm64', 'arm64'], ['aarch64', 'arm64'], ['x64', 'x64'], ['ia32', 'ia32'], ['ppc64', 'ppc64'], ['s390x', 's390x'],
  ['riscv64', 'riscv64'], ['loong64', 'loong64'], ['wasm32', 'wasm32'], ['arm', 'arm'],
];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = OS.find((o) => parts.includes(o));
  const cpu = CPU.find(([token]) => parts.includes(token))?.[1];
  const libc = parts.some((p) => p.startsWith('musl')) ? 'musl' : parts.includes('gnu') || parts.some((p) => p.startsWith('gnueabi')) ? 'glibc' : undefined;
  return { os, cpu, libc };
}

function resolvedPath(parentPath, name) {
  // Where npm looks a dependency up: beside the parent first, then up to the root.
  let base = parentPath;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

let added = 0;
for (const [path, pkg] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(pkg.optionalDependencies ?? {})) {
    if (resolvedPath(path, name)) continue;
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(range)) continue; // only exact pins, as native builds use
    const { os, cpu, libc } = platformOf(name);
    if (!os && !cpu) continue;
    const entry = { version: range };
    if (pkg.dev) entry.dev = true;
    if (pkg.devOptional) entry.devOptional = true;
    entry.optional = true;
    if (cpu) entry.cpu = [cpu];
    if (libc) entry.libc = [libc];
    if (os) entry.os = [os];
    packages[`node_modules/${name}`] = entry;
    added++;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} other-platform optional entries`);
