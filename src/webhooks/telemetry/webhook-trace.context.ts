/** A W3C trace context, as carried by the `traceparent` header. */
export interface WebhookTraceContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** `00-<trace id>-<span id>-<flags>`; undefined for an invalid (all-zero) context. */
export function formatTraceparent(ctx: WebhookTraceContext): string | undefined {
  if (!/^[0-9a-f]{32}$/.test(ctx.traceId) || ctx.traceId === ZERO_TRACE) return undefined;
  if (!/^[0-9a-f]{16}$/.test(ctx.spanId) || ctx.spanId === ZERO_SPAN) return undefined;
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The context of a version-00 `traceparent`; undefined when it is not one. */
export function parseTraceparent(value: string | null | undefined): WebhookTraceContext | undefined {
  const m = value ? TRACEPARENT.exec(value.trim()) : null;
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return undefined;
  return { traceId: m[1], spanId: m[2], traceFlags: parseInt(m[3], 16) };
}
