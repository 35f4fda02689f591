import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as api from './index.js';

describe('the migrations in the public API', () => {
  const files = readdirSync(fileURLToPath(new URL('./migrations', import.meta.url))).filter((f) => /^\d+-.*\.ts$/.test(f) && !f.endsWith('.spec.ts'));

  it('exports every migration by name from the package root, and lists them all in webhookMigrations, in order', async () => {
    const classes: Function[] = [];
    for (const file of files.sort()) {
      const module = (await import(`./migrations/${file.replace(/\.ts$/, '.js')}`)) as Record<string, Function>;
      const [name, cls] = Object.entries(module)[0];
      expect((api as Record<string, unknown>)[name]).toBe(cls);
      classes.push(cls);
    }
    expect(classes.length).toBeGreaterThanOrEqual(5);
    expect(api.webhookMigrations).toEqual(classes);
  });
});
