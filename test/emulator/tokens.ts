/**
 * The emulator's access tokens: compact JWTs signed HS256 with a key generated at start, carrying the app's
 * client id (appid), object id (oid), tenant (tid) and audience, so ARM routes know who calls.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EmulatorState } from './http';
import type { ScenarioApp } from './scenario';
import { objectIdOf } from './arm-common';

export const TOKEN_LIFETIME_SECONDS = 3599;

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  appid: string;
  azp: string;
  oid: string;
  sub: string;
  tid: string;
  idtyp: 'app';
  ver: '1.0';
  uti: string;
}

const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function mintAccessToken(state: EmulatorState, app: ScenarioApp, baseUrl: string, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const tid = state.scenario.tenant.id;
  const claims: AccessTokenClaims = {
    aud: audience,
    iss: `${baseUrl}/${tid}/`,
    iat: now,
    nbf: now - 300,
    exp: now + TOKEN_LIFETIME_SECONDS,
    appid: app.clientId,
    azp: app.clientId,
    oid: objectIdOf(app),
    sub: objectIdOf(app),
    tid,
    idtyp: 'app',
    ver: '1.0',
    uti: randomUUID(),
  };
  const head = b64u(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'rampart-emulator' }));
  const body = b64u(JSON.stringify(claims));
  const sig = createHmac('sha256', state.tokenKey).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

export type TokenCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; code: 'InvalidAuthenticationToken' | 'ExpiredAuthenticationToken' | 'InvalidAuthenticationTokenAudience'; message: string };

/** Audiences ARM accepts: the emulator itself (as addressed) and the public cloud's ARM resource ids. */
function audienceOk(aud: string, baseUrl: string): boolean {
  const a = aud.replace(/\/+$/, '').toLowerCase();
  return [baseUrl.toLowerCase(), 'https://management.azure.com', 'https://management.core.windows.net'].includes(a);
}

export function verifyAccessToken(state: EmulatorState, token: string, baseUrl: string): TokenCheck {
  const invalid = { ok: false, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } as const;
  const parts = token.split('.');
  if (parts.length !== 3) return invalid;
  const expected = createHmac('sha256', state.tokenKey).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  let claims: AccessTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as AccessTokenClaims;
  } catch {
    return invalid;
  }
  const now = Math.floor(Date.now() / 1000);
  if (claims.exp <= now) {
    return {
      ok: false,
      code: 'ExpiredAuthenticationToken',
      message: `The access token expiry UTC time '${new Date(claims.exp * 1000).toUTCString()}' is earlier than current UTC time '${new Date().toUTCString()}'.`,
    };
  }
  if (claims.tid !== state.scenario.tenant.id || !state.scenario.apps.some((a) => a.clientId === claims.appid)) return invalid;
  if (!audienceOk(claims.aud, baseUrl)) {
    return {
      ok: false,
      code: 'InvalidAuthenticationTokenAudience',
      message: `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences '${baseUrl}/','${baseUrl}','https://management.azure.com/','https://management.azure.com'.`,
    };
  }
  return { ok: true, claims };
}
