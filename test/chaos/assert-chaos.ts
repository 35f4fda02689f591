import { expect } from '@jest/globals';
import type { ChaosReport } from './chaos.js';

/** What every chaos run must show (contract, section 3). */
export function expectPromisesKept(report: ChaosReport): void {
  expect(report.chat.failures).toEqual([]);
  expect(report.chat.answered201).toBe(report.chat.sent);
  expect(report.events).toBeGreaterThan(0);
  for (const name of ['slow', 'failing', 'fast']) expect({ name, reached: report.reached[name] }).toEqual({ name, reached: report.events });
  expect(report.overlaps).toEqual([]);
  for (const [name, peak] of Object.entries(report.peakInFlight)) {
    expect({ name, peak: peak.outsideLossWindows <= report.cap }).toEqual({ name, peak: true });
  }
  expect(report.lateToDeleted).toBe(0);
  expect(report.stats).toMatchObject({ pending: 0, retrying: 0 });
}
