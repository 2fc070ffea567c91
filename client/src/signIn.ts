import * as vscode from 'vscode';
import { jwtClaims } from '../../server/src/util/jwt';
import { resolveCloud } from '../../server/src/azure/clouds';
import type { AccessTokenParams, AccessTokenResult, CloudConfig } from '../../server/src/protocol';
import { ActionableError, UserCancelledError } from './errors';
import type { Log } from './log';

/**
 * "Microsoft account" connections: VS Code's authentication provider (`microsoft`, `microsoft-sovereign-cloud`, or
 * the one a custom cloud names) holds the session. The user signs in when connecting or updating credentials; the
 * daemon then asks for tokens (GetAccessToken), answered silently: a scheduled sync never opens a sign-in prompt.
 */

/**
 * The session's scopes: the cloud's ARM scope, then the tenant (VS Code's Microsoft providers read VSCODE_TENANT).
 * Sign-in and every later token request use the same list, so the silent request finds the session.
 */
export function accountScopes(armScopes: string[], tenantId: string): string[] {
  return [...armScopes, `VSCODE_TENANT:${tenantId}`];
}

/** Signs in (a prompt when VS Code has no session yet) for a connection about to be created or re-authorized. */
export async function signInAccount(cloud: CloudConfig, tenantId: string, log: Log): Promise<vscode.AuthenticationSession> {
  const c = resolveCloud(cloud);
  let session: vscode.AuthenticationSession | undefined;
  try {
    session = await vscode.authentication.getSession(c.authProvider, accountScopes([c.armScope], tenantId), { createIfNone: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/cancel/i.test(message)) throw new UserCancelledError('Microsoft account sign-in');
    throw new ActionableError(`Signing in with a Microsoft account of tenant ${tenantId} failed (provider '${c.authProvider}'): ${message}`);
  }
  if (!session) throw new UserCancelledError('Microsoft account sign-in');
  log.info(`Signed in to tenant ${tenantId} as ${session.account.label} (provider ${c.authProvider})`);
  return session;
}

/** The answer to the daemon's GetAccessToken: the session's token, or null when VS Code has none. Never prompts. */
export async function answerAccessToken(p: AccessTokenParams, log: Log): Promise<AccessTokenResult | null> {
  const session = await vscode.authentication.getSession(p.providerId, accountScopes(p.scopes, p.tenantId), { silent: true });
  // Who and which provider only: the token never reaches a log line.
  log.info(`Daemon asked for a Microsoft account token for '${p.connectionName}' (${p.providerId}): ${session ? `session of ${session.account.label}` : 'no session'}`);
  return session ? { token: session.accessToken, expiresOnTimestamp: expiryOf(session.accessToken) } : null;
}

/** The JWT's exp claim; a token that is not a JWT is taken as good for five minutes (the daemon asks again after). */
function expiryOf(token: string): number {
  const exp = jwtClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : Date.now() + 5 * 60_000;
}
