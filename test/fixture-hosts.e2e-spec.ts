import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { verifyWebhookSignature } from '../src/webhooks/index.js';
import { hostDependencies, installHost, lockedVersion, packThisPackage, readmeInstallSpecs, run, runOk, tsc } from './support/fixture-hosts.js';
import { HttpsReceiver } from './support/https-receiver.js';
import { connectRedis, createTestDatabase, dropQueueKeys, uniqueName } from './support/services.js';
import { selfSignedCertificate } from './support/tls.js';

/**
 * Three host apps under test/hosts/, each installing this package from its packed
 * tarball the way a user does: a NestJS 11 CommonJS app as `nest new` makes it
 * (ts-jest, no transform settings), a NestJS 12 ES module app, and a NestJS 12 ES
 * module app on Fastify. Their dependencies are the README's install lines for their major.
 */
const HOSTS = [
  {
    name: 'nest11-cjs',
    nest: 11,
    build: 'dist/cjs/',
    resolve: ['-p', "require.resolve('nestjs-chat-webhooks')"],
    typecheck: ['tsconfig.json', 'tsconfig.node16.json'], // node10 (nest new's default), node16
    jestEnv: {},
  },
  {
    name: 'nest12-esm',
    nest: 12,
    build: 'dist/webhooks/',
    resolve: ['--input-type=module', '-e', "console.log(import.meta.resolve('nestjs-chat-webhooks'))"],
    typecheck: ['tsconfig.json', 'tsconfig.bundler.json'], // nodenext, bundler
    jestEnv: { NODE_OPTIONS: '--experimental-vm-modules' },
  },
  {
    // On @nestjs/platform-fastify, with @nestjs/swagger and a bearer-token guard given beside useFactory.
    name: 'nest12-fastify',
    nest: 12,
    build: 'dist/webhooks/',
    resolve: ['--input-type=module', '-e', "console.log(import.meta.resolve('nestjs-chat-webhooks'))"],
    typecheck: ['tsconfig.json'],
    jestEnv: { NODE_OPTIONS: '--experimental-vm-modules' },
  },
] as const;

// A first run installs both hosts' dependencies from the registry; later runs reuse them.
jest.setTimeout(900_000);

let tarball: string;

beforeAll(async () => {
  // Both services first, so a missing one fails here and says so, before minutes of packing.
  await createTestDatabase().then((db) => db.drop());
  await (await connectRedis()).quit();
  tarball = await packThisPackage();
});

afterAll(() => {
  if (tarball) rmSync(dirname(dirname(tarball)), { recursive: true, force: true });
});

describe.each(HOSTS)('the $name host', (host) => {
  let dir: string;
  let db: { name: string; drop: () => Promise<void> };
  const queuePrefix = uniqueName('whq');
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await installHost(host.name, tarball);
    env = { HOST_DB_NAME: db.name, HOST_QUEUE_PREFIX: queuePrefix };
  });

  afterAll(async () => {
    await db?.drop();
    await dropQueueKeys(queuePrefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`depends on what the README's install lines for NestJS ${host.nest} install`, () => {
    const dependencies = hostDependencies(host.name);
    const major = (name: string) => Number(lockedVersion(host.name, name)?.split('.')[0]);
    expect(major('@nestjs/core')).toBe(host.nest);
    for (const spec of readmeInstallSpecs(host.nest)) {
      if (spec.optional && !(spec.name in dependencies)) continue; // e.g. @nestjs/swagger, in the Fastify host only
      expect({ [spec.name]: spec.name in dependencies }).toEqual({ [spec.name]: true });
      // A pinned major is the one locked; an unpinned @nestjs/* package is the app's NestJS major's (npm's latest).
      const expected = spec.major ?? (spec.name.startsWith('@nestjs/') ? host.nest : undefined);
      if (expected !== undefined) expect({ [spec.name]: major(spec.name) }).toEqual({ [spec.name]: expected });
    }
  });

  it(`loads the ${host.build} build of the package`, async () => {
    const resolved = await runOk(process.execPath, [...host.resolve], { cwd: dir });
    expect(resolved).toContain(`/node_modules/nestjs-chat-webhooks/${host.build}index.js`);
  });

  it(`type-checks (${host.typecheck.join(', ')})`, async () => {
    for (const project of host.typecheck) await tsc(dir, project);
  });

  it('boots on MariaDB and Redis and delivers one signed webhook to an HTTPS receiver', async () => {
    await tsc(dir, 'tsconfig.build.json', true);
    const receiver = await HttpsReceiver.start();
    try {
      const secret = 'fixture-host-secret';
      const output = await runOk(process.execPath, ['dist/main.js'], {
        cwd: dir,
        env: { ...env, RECEIVER_URL: receiver.url('/from-host'), RECEIVER_CA: selfSignedCertificate().cert, WEBHOOK_SECRET: secret },
        timeoutMs: 60_000,
      });
      const [request] = await receiver.waitFor(1, { path: '/from-host' });
      expect(request.body).toMatchObject({ event: 'conversation.started', data: { conversation_id: 101, visitor_name: 'Grace Hopper' } });
      expect(request.headers['user-agent']).toMatch(/^nestjs-chat-webhooks\/\d+\.\d+\.\d+/);
      expect(() => verifyWebhookSignature(request.rawBody, request.headers as Record<string, string>, secret)).not.toThrow();
      const result = JSON.parse(/HOST-RESULT (.*)/.exec(output)?.[1] ?? 'null') as {
        deliveries: Array<{ status: string; statusCode: number }>;
        docs: { status: number; message?: string; paths?: number; security?: unknown };
        otherBuildLoaded?: boolean;
        http?: Record<string, unknown>;
      };
      expect(result?.deliveries).toEqual([expect.objectContaining({ status: 'success', statusCode: 200 })]);
      if (host.name === 'nest12-fastify') {
        // With @nestjs/swagger, behind the app's bearer-token guard.
        expect(result.docs).toEqual({ status: 200, paths: expect.any(Number), security: [{ bearer: [] }] });
        expect(result.docs.paths).toBeGreaterThan(5);
        const page = { status: 200, type: 'text/html; charset=utf-8', csp: true, assets: { 'docs/swagger-ui.css': 200, 'docs/swagger-ui-bundle.js': 200 } };
        expect(result.http).toEqual({
          listWithoutToken: 401,
          docsJsonWithoutToken: 401,
          ui: 200,
          uiSlash: 200,
          docsPages: { docs: page, 'docs/': page },
          // Fastify's own limit (1 MiB by default) answers before the admin API.
          tooLarge: { status: 413, body: expect.objectContaining({ statusCode: 413, message: expect.any(String) }) },
          badUrl: { status: 400, body: { statusCode: 400, error: 'Bad Request', message: ['url must use HTTPS: Webhook URL must use HTTPS'] } },
        });
      } else {
        // These hosts have no @nestjs/swagger: the docs answer 404 and say what to install.
        expect(result.docs).toEqual({ status: 404, message: expect.stringContaining('npm install @nestjs/swagger') });
      }
      if (host.name === 'nest11-cjs') expect(result.otherBuildLoaded).toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it("passes its own Jest suite, which uses WebhookTestTransport", async () => {
    const result = await run(process.execPath, [join(dir, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'], {
      cwd: dir,
      env: { ...env, ...host.jestEnv },
    });
    if (result.code !== 0) throw new Error(`The ${host.name} host's jest failed:\n${result.output.slice(-6000)}`);
    expect(result.output).toMatch(/Tests:\s+1 passed, 1 total/);
  });
});
