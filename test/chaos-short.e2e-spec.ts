import { describe, it } from '@jest/globals';
import { expectPromisesKept } from './chaos/assert-chaos.js';
import { runChaos } from './chaos/chaos.js';

/** The short form of `npm run chaos`: the same harness, fewer seconds and faults. */
describe('chaos, short form: an API node and three workers under SIGKILL, FLUSHALL, a Redis restart, a delete and a fast clock', () => {
  it('keeps every promise of section 3', async () => {
    const report = await runChaos({
      trafficMs: 14_000,
      ratePerSecond: 8,
      clockShiftMs: 20_000,
      faults: [
        { at: 2_000, kind: 'kill-worker', worker: 1, restartAfterMs: 1_000 },
        { at: 5_000, kind: 'flush-redis' },
        { at: 7_000, kind: 'delete-webhook' },
        { at: 9_000, kind: 'restart-redis', downForMs: 1_500 },
      ],
    });
    expectPromisesKept(report);
  }, 240_000);
});
