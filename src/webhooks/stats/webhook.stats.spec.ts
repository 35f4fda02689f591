import { describe, expect, it } from '@jest/globals';
import { percentile, windowStart } from './webhook.stats.js';

describe('percentile (nearest rank over a histogram)', () => {
  const h = (...pairs: Array<[number, number]>) => pairs.map(([value, count]) => ({ value, count }));

  it('is null for no values', () => {
    expect(percentile([], 0.5)).toBeNull();
  });

  it('takes the value at rank ceil(p * n)', () => {
    const values = h([10, 1], [20, 1], [30, 1], [40, 1], [50, 1], [100, 1]);
    expect(percentile(values, 0.5)).toBe(30);
    expect(percentile(values, 0.95)).toBe(100);
    expect(percentile(h([7, 1]), 0.95)).toBe(7);
  });

  it('counts repeated values', () => {
    expect(percentile(h([5, 94], [900, 6]), 0.95)).toBe(900);
    expect(percentile(h([5, 95], [900, 5]), 0.95)).toBe(5);
  });
});

describe('windowStart', () => {
  it('starts `hours - 1` clock hours before the current one', () => {
    const now = new Date('2026-01-02T10:42:13.500Z');
    expect(windowStart(now, 1).toISOString()).toBe('2026-01-02T10:00:00.000Z');
    expect(windowStart(now, 24).toISOString()).toBe('2026-01-01T11:00:00.000Z');
  });
});
