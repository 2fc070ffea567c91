/**
 * The claims of a JWT access token, read without verifying it (Entra ID verified it for the API that takes it; this
 * only reads who and for which tenant it was issued, and until when). Undefined when the token is not a JWT.
 */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? claims as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** A string claim (oid, tid), or undefined. */
export function stringClaim(token: string, name: string): string | undefined {
  const v = jwtClaims(token)?.[name];
  return typeof v === 'string' ? v : undefined;
}
