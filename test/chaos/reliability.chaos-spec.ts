import { describe, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { expectPromisesKept } from './assert-chaos.js';
import { reliabilityTable, runChaos } from './chaos.js';
import type { ChaosOptions, ChaosReport } from './chaos.js';

/** `npm run chaos`: the long form, three runs in a row; writes docs/RELIABILITY.md when all three keep every promise. */
const RUNS = Number(process.env.CHAOS_RUNS ?? 3);

const OPTIONS: ChaosOptions = {
  trafficMs: 40_000,
  ratePerSecond: 15,
  clockShiftMs: 20_000,
  faults: [
    { at: 4_000, kind: 'kill-worker', worker: 1, restartAfterMs: 1_500 },
    { at: 9_000, kind: 'flush-redis' },
    { at: 13_000, kind: 'kill-worker', worker: 0, restartAfterMs: 1_500 },
    { at: 18_000, kind: 'delete-webhook' },
    { at: 22_000, kind: 'restart-redis', downForMs: 3_000 },
    { at: 30_000, kind: 'flush-redis' },
    { at: 34_000, kind: 'kill-worker', worker: 2, restartAfterMs: 1_500 },
  ],
  log: (line) => process.stdout.write(`chaos: ${line}\n`),
};

describe('npm run chaos', () => {
  it(`keeps every promise of section 3, ${RUNS} runs in a row`, async () => {
    const reports: ChaosReport[] = [];
    for (let i = 0; i < RUNS; i++) {
      const report = await runChaos(OPTIONS);
      process.stdout.write(`chaos: run ${i + 1}: ${JSON.stringify({ ...report, options: undefined, injected: undefined })}\n`);
      expectPromisesKept(report);
      reports.push(report);
    }
    writeFileSync('docs/RELIABILITY.md', reliabilityTable(reports, 'npm run chaos'));
  }, 1_800_000);
});
