/**
 * Fault injection: which fault (if any) applies to a request, and how to act it out.
 * Faults apply to every non-control route, token and discovery routes included.
 */
import type { Fault } from './scenario';
import { sendArmError, sendJson, sendText, type RequestContext } from './http';

interface ActiveFault {
  fault: Fault;
  re: RegExp;
  /** Matching requests seen so far (route and method), whether or not the fault fired. */
  seen: number;
}

/** Throws a one-line error when a fault is not well formed. */
export function validateFault(f: unknown): Fault {
  if (!f || typeof f !== 'object') throw new Error('fault must be a JSON object');
  const fault = f as Fault;
  if (typeof fault.route !== 'string' || !fault.route) throw new Error('fault.route must be a non-empty RegExp source string');
  try {
    new RegExp(fault.route, 'i');
  } catch (e) {
    throw new Error(`fault.route is not a valid RegExp: ${(e as Error).message}`);
  }
  for (const k of ['from', 'times', 'status', 'retryAfter', 'latencyMs'] as const) {
    const v = fault[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) throw new Error(`fault.${k} must be a non-negative number`);
  }
  if (fault.headers !== undefined && (typeof fault.headers !== 'object' || fault.headers === null || Object.values(fault.headers).some((v) => typeof v !== 'string'))) {
    throw new Error('fault.headers must be an object of strings');
  }
  if (fault.status !== undefined && (fault.status < 100 || fault.status > 599)) throw new Error('fault.status must be an HTTP status (100-599)');
  return fault;
}

export function describeFault(f: Fault): string {
  const parts: string[] = [];
  if (f.drop) parts.push('drop');
  else if (f.malformed) parts.push('malformed');
  else if (f.forbidden) parts.push('forbidden');
  else if (f.status) parts.push(`status ${f.status}`);
  if (f.latencyMs) parts.push(`latency ${f.latencyMs}ms`);
  if (f.headers) parts.push(`headers ${Object.keys(f.headers).join(' ')}`);
  return parts.join(', ') || 'noop';
}

export class FaultSet {
  private active: ActiveFault[] = [];

  constructor(initial: Fault[] = []) {
    for (const f of initial) this.add(f);
  }

  add(f: Fault): void {
    const fault = validateFault(f);
    this.active.push({ fault: { ...fault }, re: new RegExp(fault.route, 'i'), seen: 0 });
  }

  clear(): void {
    this.active = [];
  }

  list(): Fault[] {
    return this.active.map((a) => ({ ...a.fault }));
  }

  /** Counts this request against every matching fault and returns the first one whose window covers it. */
  match(method: string, path: string): Fault | undefined {
    let hit: Fault | undefined;
    for (const a of this.active) {
      if (a.fault.method && a.fault.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!a.re.test(path)) continue;
      a.seen += 1;
      const from = a.fault.from ?? 1;
      const inWindow = a.seen >= from && (a.fault.times === undefined || a.seen < from + a.fault.times);
      if (inWindow && !hit) hit = a.fault;
    }
    return hit;
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Acts out a fault. Returns true when the request has been answered (or dropped), false when the route
 * should still run (latency only).
 */
export async function applyFault(
  ctx: RequestContext,
  f: Fault,
  kind: 'aad' | 'arm',
  sendForbidden: (ctx: RequestContext) => void,
): Promise<boolean> {
  if (f.latencyMs) await delay(f.latencyMs);
  if (ctx.res.destroyed) return true;
  for (const [k, v] of Object.entries(f.headers ?? {})) ctx.res.setHeader(k, v);
  if (f.drop) {
    ctx.logResponse?.(0);
    ctx.req.socket.destroy();
    return true;
  }
  if (f.malformed) {
    sendText(ctx, 200, '{"value":[{"id":"/subscriptions/00000000-0000-0000-0000-0000000');
    return true;
  }
  if (f.forbidden) {
    sendForbidden(ctx);
    return true;
  }
  if (f.status) {
    const headers: Record<string, string> = {};
    if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
    if (kind === 'aad') {
      sendJson(ctx, f.status, aadFaultBody(f.status), headers);
    } else {
      const [code, message] = armFaultError(f.status);
      sendArmError(ctx, f.status, code, message, headers);
    }
    return true;
  }
  return false;
}

function armFaultError(status: number): [string, string] {
  switch (status) {
    case 429:
      return ['TooManyRequests', 'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. Please retry after the time indicated by the Retry-After header.'];
    case 500:
      return ['InternalServerError', 'Encountered internal server error. Diagnostic information: timestamp \'' + new Date().toISOString() + '\'.'];
    case 502:
      return ['BadGateway', 'The gateway did not receive a response from the resource provider within the specified time period.'];
    case 503:
      return ['ServiceUnavailable', 'The service is currently unavailable. Please try again later.'];
    case 504:
      return ['GatewayTimeout', 'The gateway did not receive a response from \'Microsoft.Resources\' within the specified time period.'];
    case 401:
      return ['InvalidAuthenticationToken', 'The access token is invalid.'];
    case 403:
      return ['AuthorizationFailed', 'The client does not have authorization to perform this action.'];
    case 404:
      return ['ResourceNotFound', 'The resource could not be found.'];
    default:
      return [`Http${status}`, `Injected fault: HTTP ${status}.`];
  }
}

function aadFaultBody(status: number): Record<string, unknown> {
  const ts = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const code = status === 429 ? 50196 : 90033;
  const text =
    status === 429
      ? 'AADSTS50196: The server terminated an operation because it encountered a client request loop.'
      : status >= 500
        ? 'AADSTS90033: A transient error has occurred. Please try again.'
        : `AADSTS90033: Injected fault HTTP ${status}.`;
  return {
    error: status >= 500 ? 'temporarily_unavailable' : 'invalid_request',
    error_description: `${text} Trace ID: 00000000-0000-0000-0000-000000000000 Correlation ID: 00000000-0000-0000-0000-000000000000 Timestamp: ${ts}`,
    error_codes: [code],
    timestamp: ts,
  };
}
