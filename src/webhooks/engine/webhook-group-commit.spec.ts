import { describe, expect, it } from '@jest/globals';
import { NEXT_BATCH, WebhookGroupCommit } from './webhook-group-commit.js';

describe('WebhookGroupCommit', () => {
  it('writes what arrives in one turn of the event loop as one batch, and answers each caller', async () => {
    const batches: number[][] = [];
    const commit = new WebhookGroupCommit<number, string>(async (items) => {
      batches.push(items);
      return items.map((i) => `#${i}`);
    });
    const answers = await Promise.all([1, 2, 3].map((i) => commit.add(i)));
    expect(answers).toEqual(['#1', '#2', '#3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('collects what arrives while a batch is being written into the next one', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((r) => (release = r));
    const commit = new WebhookGroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await firstHeld;
      return items;
    });
    const first = commit.add(1);
    await new Promise((r) => setImmediate(r));
    const later = [2, 3, 4].map((i) => commit.add(i));
    await new Promise((r) => setTimeout(r, 10));
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps batches within the largest size', async () => {
    const sizes: number[] = [];
    const commit = new WebhookGroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => commit.add(i)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('rejects every caller of a batch that failed, and goes on with the next', async () => {
    let calls = 0;
    const commit = new WebhookGroupCommit<number, number>(async (items) => {
      calls++;
      if (calls === 1) throw new Error('database down');
      return items;
    });
    const failed = await Promise.allSettled([commit.add(1), commit.add(2)]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    await expect(commit.add(3)).resolves.toBe(3);
  });

  it('puts an item the flush sends back first in the next batch, and answers it from there', async () => {
    const batches: string[][] = [];
    const commit = new WebhookGroupCommit<string, string | typeof NEXT_BATCH>(async (items) => {
      batches.push(items);
      // The second 'a' of a batch waits for the next one.
      const seen = new Set<string>();
      return items.map((i) => (seen.has(i) ? NEXT_BATCH : (seen.add(i), `${i}@${batches.length}`)));
    });
    const answers = await Promise.all(['a', 'a', 'b'].map((i) => commit.add(i)));
    expect(answers).toEqual(['a@1', 'a@2', 'b@1']);
    expect(batches).toEqual([['a', 'a', 'b'], ['a']]);
  });
});
