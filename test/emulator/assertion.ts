/**
 * Verification of certificate client assertions (RFC 7523 JWT bearer), the way Entra ID does it:
 * x5t#S256 / x5t must name a certificate registered on the app, the PS256/RS256 signature must verify with
 * that certificate's public key, aud = token URL, iss = sub = client id, and the token must be within its lifetime.
 */
import { constants, createHash, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ScenarioApp } from './scenario';

export interface AssertionFailure {
  code: number;
  error: string;
  /** Text after "AADSTSnnnn: ". */
  text: string;
}

interface RegisteredCert {
  cert: X509Certificate;
  sha1: string;
  sha256: string;
}

/** The certificates registered on an app (the scenario holds PEM text or a path relative to the scenario file). */
export function registeredCertificates(app: ScenarioApp, scenarioDir: string): RegisteredCert[] {
  if (!app.certificate) return [];
  let pem = app.certificate;
  if (!pem.includes('-----BEGIN')) {
    const file = isAbsolute(pem) ? pem : resolve(scenarioDir, pem);
    pem = readFileSync(file, 'utf8');
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => {
    const cert = new X509Certificate(b);
    return {
      cert,
      sha1: createHash('sha1').update(cert.raw).digest('base64url'),
      sha256: createHash('sha256').update(cert.raw).digest('base64url'),
    };
  });
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Returns undefined when the assertion is acceptable, else the AADSTS failure to report. */
export function checkClientAssertion(
  assertion: string,
  app: ScenarioApp,
  scenarioDir: string,
  tokenUrl: string,
): AssertionFailure | undefined {
  const parts = assertion.split('.');
  const header = parts.length === 3 ? decodePart(parts[0]) : undefined;
  const claims = parts.length === 3 ? decodePart(parts[1]) : undefined;
  if (!header || !claims) return { code: 50027, error: 'invalid_request', text: 'JWT token is invalid or malformed.' };

  const x5tS256 = typeof header['x5t#S256'] === 'string' ? (header['x5t#S256'] as string) : undefined;
  const x5t = typeof header.x5t === 'string' ? (header.x5t as string) : undefined;
  const certs = registeredCertificates(app, scenarioDir);
  const match = certs.find((c) => (x5tS256 && norm(x5tS256) === c.sha256) || (x5t && norm(x5t) === c.sha1));
  if (!match) {
    const thumb = x5tS256 ?? x5t ?? '';
    return {
      code: 700027,
      error: 'invalid_client',
      text:
        `The certificate with identifier used to sign the client assertion is not registered on application. ` +
        `[Reason - The key was not found., Thumbprint of key used by client: '${thumbHex(thumb)}', Please visit the Azure Portal, ` +
        `Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`,
    };
  }

  const alg = header.alg;
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const sig = Buffer.from(parts[2], 'base64url');
  let good = false;
  try {
    if (alg === 'PS256') {
      good = verify('sha256', data, { key: match.cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
    } else if (alg === 'RS256') {
      good = verify('sha256', data, match.cert.publicKey, sig);
    }
  } catch {
    good = false;
  }
  if (!good) {
    return { code: 700027, error: 'invalid_client', text: 'Client assertion failed signature validation.' };
  }

  const now = Math.floor(Date.now() / 1000);
  const exp = Number(claims.exp);
  const nbf = claims.nbf === undefined ? undefined : Number(claims.nbf);
  if (!Number.isFinite(exp) || exp <= now - 300 || (nbf !== undefined && nbf > now + 300)) {
    return { code: 700024, error: 'invalid_client', text: 'Client assertion is not within its valid time range.' };
  }
  if (claims.iss !== app.clientId || claims.sub !== app.clientId) {
    return { code: 700021, error: 'invalid_client', text: "Client assertion application identifier doesn't match 'client_id' parameter." };
  }
  const aud = typeof claims.aud === 'string' ? claims.aud : '';
  if (aud.toLowerCase() !== tokenUrl.toLowerCase()) {
    return { code: 700212, error: 'invalid_client', text: `Client assertion audience claim '${aud}' does not match the token endpoint '${tokenUrl}'.` };
  }
  return undefined;
}

/** Some clients send standard base64 instead of base64url in x5t. */
function norm(v: string): string {
  return v.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function thumbHex(v: string): string {
  try {
    return Buffer.from(norm(v), 'base64url').toString('hex').toUpperCase();
  } catch {
    return v;
  }
}
