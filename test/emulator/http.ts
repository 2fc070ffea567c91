/**
 * Shared request context and response helpers for the emulator's route modules (aad.ts, arm.ts, control.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { Scenario, RequestLogEntry } from './scenario';
import type { FaultSet } from './faults';
import type { RateBucket } from './ratelimit';

/** Everything the routes share for one running emulator. */
export interface EmulatorState {
  scenario: Scenario;
  /** Directory that relative paths in the scenario (certificates) resolve against. */
  scenarioDir: string;
  /** HMAC key that signs the emulator's access tokens (fresh per start). */
  tokenKey: Buffer;
  faults: FaultSet;
  requests: RequestLogEntry[];
  /** Read-token buckets per subscription ('tenant' for the rest), when the scenario sets `throttle`. */
  buckets?: Map<string, RateBucket>;
  /** Resource Graph quota windows per app, when the scenario sets `resourceGraphQuota`. */
  argQuota?: Map<string, { start: number; used: number }>;
  /** Resource Graph results kept for their $skipToken pages. */
  argSnapshots?: Map<string, Record<string, unknown>[]>;
}

/** One request in flight. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  state: EmulatorState;
  method: string;
  /** Path with runs of slashes collapsed and no trailing slash ("/" stays "/"). */
  path: string;
  query: Record<string, string>;
  /** https://HOST as the client addressed us (from the Host header). */
  baseUrl: string;
  /** The request body, read before routing for ARM requests other than GET (Resource Graph queries). */
  body?: string;
  /** Caller's client id once known (form field on token routes, token claim on ARM routes). */
  clientId?: string;
  /**
   * Records the request in the log with this status (0 = no answer). Called just before the response is written,
   * so the entry is in the log by the time the client sees the answer.
   */
  logResponse?: (status: number) => void;
}

export function normalizePath(rawPath: string): string {
  let p = rawPath.replace(/\/{2,}/g, '/');
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p || '/';
}

/** Query parameters, with anything that could carry a credential redacted. */
export function parseQuery(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of search) {
    out[k] = /secret|assertion|password|token$/i.test(k) && k !== '$skiptoken' ? '[redacted]' : v;
  }
  return out;
}

export function sendJson(ctx: RequestContext, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  sendText(ctx, status, text, headers);
}

export function sendText(
  ctx: RequestContext,
  status: number,
  text: string,
  headers: Record<string, string> = {},
  contentType = 'application/json; charset=utf-8',
): void {
  if (ctx.res.headersSent || ctx.res.destroyed) return;
  ctx.logResponse?.(status);
  ctx.res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(text)),
    'x-ms-request-id': randomUUID(),
    'x-ms-correlation-request-id': randomUUID(),
    'cache-control': 'no-cache',
    ...headers,
  });
  ctx.res.end(text);
}

/** An ARM error response `{error:{code,message}}`. */
export function sendArmError(
  ctx: RequestContext,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(ctx, status, { error: { code, message } }, headers);
}

/** Thrown by route handlers; turned into an ARM error response by the dispatcher. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Deterministic GUID-shaped id from any string (sha1-based, like a v5 UUID without the namespace ceremony). */
export function stableGuid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
