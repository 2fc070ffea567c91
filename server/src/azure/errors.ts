/**
 * Turns what the Azure SDK throws into a message a user can act on. The SDK reports sign-in failures as
 * AuthenticationRequiredError/AuthenticationError with the AADSTS code only in the message, ARM failures as RestError
 * with statusCode and code, and transport trouble as Node system errors, sometimes wrapped several times.
 */
import { redact } from '../util/redact';

export type SyncErrorCode =
  | 'wrong-secret' | 'expired-secret' | 'unknown-app' | 'unknown-tenant' | 'certificate-rejected' | 'missing-credential'
  | 'not-signed-in' | 'session-expired' | 'wrong-tenant'
  | 'forbidden' | 'unauthorized' | 'throttled' | 'service' | 'network' | 'tls' | 'bad-response' | 'not-found' | 'cancelled' | 'config' | 'internal';

/** Codes after which the connection needs new credentials rather than another try. */
export const CREDENTIAL_ERRORS: ReadonlySet<SyncErrorCode> = new Set([
  'wrong-secret', 'expired-secret', 'unknown-app', 'certificate-rejected', 'missing-credential',
  'not-signed-in', 'session-expired', 'wrong-tenant',
]);

export class SyncError extends Error {
  constructor(readonly code: SyncErrorCode, message: string) { super(message); }
}

export interface ErrorContext {
  connectionName: string; clientId: string; tenantId: string; host?: string; subscriptionId?: string; step?: string;
  /** How this connection's user supplies a new credential (the editor command, or the CLI's environment variable). */
  updateHint?: string;
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ESOCKETTIMEDOUT']);

export function toSyncError(error: unknown, ctx: ErrorContext): SyncError {
  if (error instanceof SyncError) return error;
  const text = describe(error);
  const who = `connection '${ctx.connectionName}'`;
  const update = ctx.updateHint ?? `run 'Rampart: Update Credentials'`;
  const aadsts = /AADSTS(\d+)/.exec(text)?.[1];
  switch (aadsts) {
    case '7000215':
      return new SyncError('wrong-secret', `Sign-in failed for ${who}: the client secret is wrong (AADSTS7000215). Copy the secret's Value (not its ID) from the app registration, then ${update}.`);
    case '7000222':
      return new SyncError('expired-secret', `Sign-in failed for ${who}: the client secret has expired (AADSTS7000222). Create a new secret for app ${ctx.clientId}, then ${update}.`);
    case '700016':
      return new SyncError('unknown-app', `Sign-in failed for ${who}: no app with client id ${ctx.clientId} exists in tenant ${ctx.tenantId} (AADSTS700016). Check the client id and the tenant.`);
    case '90002':
      return new SyncError('unknown-tenant', `Sign-in failed for ${who}: tenant '${ctx.tenantId}' was not found (AADSTS90002). Check the tenant id, and that the connection's cloud is the tenant's cloud.`);
    case '700027':
    case '700023':
      return new SyncError('certificate-rejected', `Sign-in failed for ${who}: the certificate is not registered on app ${ctx.clientId} or its signature is invalid (AADSTS${aadsts}). Upload the public certificate to the app registration, then sync again.`);
  }
  if (aadsts) return new SyncError('unauthorized', `Sign-in failed for ${who} (AADSTS${aadsts}): ${firstLine(text)}`);

  const sys = systemCode(error);
  const host = ctx.host ? ` ${ctx.host}` : '';
  if (sys && TLS_CODES.has(sys)) {
    return new SyncError('tls', `Cannot reach${host} for ${who}: its TLS certificate is not trusted (${sys}). If it uses a private certificate authority, set the cloud's CA file.`);
  }
  if ((sys && NET_CODES.has(sys)) || /endpoints_resolution_error|network|socket hang up|ECONNRESET|ECONNREFUSED/i.test(text)) {
    return new SyncError('network', `Cannot reach${host} for ${who} (${sys ?? firstLine(text)}). Check the network, proxy and the cloud's endpoints, then sync again.`);
  }

  const status = statusOf(error);
  const where = ctx.subscriptionId ? ` subscription ${ctx.subscriptionId}` : ' Azure';
  const step = ctx.step ? ` while reading ${ctx.step}` : '';
  if (status === 403 || /AuthorizationFailed/.test(text)) {
    return new SyncError('forbidden', `The service principal of ${who} may not read${where}${step} (403 AuthorizationFailed). Assign it the Reader role on the subscription; if you just did, the assignment can take up to 10 minutes to propagate: sync again shortly.`);
  }
  if (status === 401) return new SyncError('unauthorized', `Azure refused the token of ${who}${step} (401). Sync again; if it persists, check the tenant and cloud.`);
  if (status === 404) return new SyncError('not-found', `Azure answered 404 for${where}${step}: ${firstLine(text)}`);
  if (status === 429) return new SyncError('throttled', `Azure throttled ${who}${step} (429) and retries ran out. Wait a few minutes, then sync again.`);
  if (status && status >= 500) return new SyncError('service', `Azure answered ${status}${step} for${where} after retries: ${firstLine(text)}. Sync again later.`);
  if (error instanceof SyntaxError || /Unexpected token|JSON|is not iterable|Cannot read properties of undefined/.test(text)) {
    return new SyncError('bad-response', `Azure sent a response that could not be read${step} (${firstLine(text)}). Sync again; if it persists, check the ARM endpoint.`);
  }
  if (/abort/i.test(text)) return new SyncError('cancelled', 'The sync was cancelled.');
  return new SyncError('internal', `Sync of ${who} failed${step}: ${firstLine(text)}`);
}

function describe(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let i = 0; e && i < 5; i++) {
    if (e instanceof Error) parts.push(`${e.name}: ${e.message}`);
    else parts.push(String(e));
    e = (e as { cause?: unknown }).cause;
  }
  return redact(parts.join(' <- '));
}

/** The first line of an error, shortened, without its class name or final period (callers add their own). */
function firstLine(text: string): string {
  const line = text.split('\n')[0].replace(/^(\w*Error): /, '').replace(/[.\s]+$/, '');
  return line.length > 300 ? line.slice(0, 297) + '...' : line;
}

function statusOf(error: unknown): number | undefined {
  const s = (error as { statusCode?: unknown })?.statusCode;
  if (typeof s === 'number') return s;
  const m = /unexpected statusCode (\d{3})/i.exec(describe(error));
  return m ? Number(m[1]) : undefined;
}

function systemCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; e && i < 5; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (TLS_CODES.has(code) || NET_CODES.has(code))) return code;
    e = (e as { cause?: unknown }).cause;
  }
  const m = /\b(E[A-Z_]{4,}|[A-Z_]*CERT[A-Z_]*)\b/.exec(describe(error));
  return m && (TLS_CODES.has(m[1]) || NET_CODES.has(m[1])) ? m[1] : undefined;
}
