/**
 * ARM read limits, emulated: a token bucket per subscription (and one for the tenant: requests outside any
 * subscription) when the scenario sets `throttle`. Every ARM answer carries what is left as
 * x-ms-ratelimit-remaining-subscription-reads (or -tenant-reads); an empty bucket answers 429 TooManyRequests, with
 * Retry-After (seconds until a token is back) unless `retryAfter` is false.
 */
import { sendArmError, type RequestContext } from './http';

export interface RateBucket { tokens: number; at: number }

/** Takes one read token for this request. False when the request was answered 429 (the caller stops there). */
export function takeReadToken(ctx: RequestContext, now = Date.now()): boolean {
  const t = ctx.state.scenario.throttle;
  // Resource Graph has its own per-user quota (arm-resourcegraph.ts), not ARM's read buckets.
  if (!t || /^\/providers\/Microsoft\.ResourceGraph\//i.test(ctx.path)) return true;
  const sub = /^\/subscriptions\/([^/]+)/i.exec(ctx.path)?.[1]?.toLowerCase();
  const key = sub ?? 'tenant';
  const buckets = (ctx.state.buckets ??= new Map<string, RateBucket>());
  let b = buckets.get(key);
  if (!b) buckets.set(key, b = { tokens: t.burst, at: now });
  b.tokens = Math.min(t.burst, b.tokens + ((now - b.at) / 1000) * t.refillPerSecond);
  b.at = now;
  const header = sub ? 'x-ms-ratelimit-remaining-subscription-reads' : 'x-ms-ratelimit-remaining-tenant-reads';
  if (b.tokens < 1) {
    const headers: Record<string, string> = { [header]: '0' };
    if (t.retryAfter !== false) headers['retry-after'] = String(Math.max(1, Math.ceil((1 - b.tokens) / Math.max(t.refillPerSecond, 1e-9))));
    sendArmError(ctx, 429, 'TooManyRequests',
      `Number of 'read' requests for ${sub ? `subscription '${sub}'` : 'the tenant'} actor '${ctx.clientId ?? 'unknown'}' exceeded. Please try again after some time.`, headers);
    return false;
  }
  b.tokens -= 1;
  ctx.res.setHeader(header, String(Math.floor(b.tokens)));
  return true;
}
