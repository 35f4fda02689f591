import { describe, expect, it } from '@jest/globals';
import { formatTraceparent, parseTraceparent } from './webhook-trace.context.js';

describe('traceparent', () => {
  const ctx = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

  it('formats and parses the W3C version-00 form', () => {
    expect(formatTraceparent(ctx)).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual(ctx);
    expect(formatTraceparent({ ...ctx, traceFlags: 0 })).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
  });

  it('refuses invalid contexts', () => {
    expect(formatTraceparent({ ...ctx, traceId: '0'.repeat(32) })).toBeUndefined();
    expect(formatTraceparent({ ...ctx, spanId: '0'.repeat(16) })).toBeUndefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeUndefined();
    expect(parseTraceparent('00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01')).toBeUndefined();
    expect(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
  });
});
