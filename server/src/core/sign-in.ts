/**
 * Interactive sign-in: connections that read Azure as the engineer, not as a service principal. 'azure-cli' takes
 * tokens from the user's `az login` (AzureCliCredential runs `az account get-access-token --tenant T`);
 * 'microsoft-account' asks the editor, whose VS Code authentication provider holds the session (the daemon cannot
 * call VS Code). Every failure becomes a SyncError saying what to run; a token is never part of a message or a log.
 */
import { AzureCliCredential } from '@azure/identity';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { CredentialMaterial } from '../azure/clients';
import { resolveCloud } from '../azure/clouds';
import { SyncError } from '../azure/errors';
import type { Connection, RequestType } from 'vscode-languageserver';
import { type AccessTokenParams, type AccessTokenResult, GetAccessToken } from '../protocol';
import type { ConnectionRecord } from '../store/schema';
import { stringClaim } from '../util/jwt';
import { redact, registerSecret } from '../util/redact';
import type { CredentialSource } from './credentials';

/** Asks a client (an editor window) for a token; rejects when no client can answer. */
export type AskClientToken = (params: AccessTokenParams) => Promise<AccessTokenResult | null>;

/** How long the daemon waits for a client's answer (a credential, a token) before trying the next client. */
export const CLIENT_ANSWER_TIMEOUT_MS = 60_000;

/** A request to a client that fails after `timeoutMs`: a window that never answers must not hold a sync forever. */
export async function requestWithin<P, R>(connection: Pick<Connection, 'sendRequest'>, type: RequestType<P, R, void>, params: P, timeoutMs: number): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    // Called inside the race: a connection that just closed throws synchronously, which rejects here too.
    return await Promise.race([(async () => connection.sendRequest(type, params))(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How the daemon asks its client for a token. */
export function askClientToken(connection: Pick<Connection, 'sendRequest'>, timeoutMs = CLIENT_ANSWER_TIMEOUT_MS): AskClientToken {
  return (params) => requestWithin(connection, GetAccessToken.type, params, timeoutMs);
}

/**
 * Asks each connected client (window) in turn until one has a session: the shared daemon serves several windows, and
 * any of them may hold the Microsoft account. Rejects when no client could answer at all (no window open).
 */
export function askEachClient(clients: () => Pick<Connection, 'sendRequest'>[], timeoutMs = CLIENT_ANSWER_TIMEOUT_MS): AskClientToken {
  return async (params) => {
    const all = clients();
    if (!all.length) throw new Error('no VS Code window is connected to the daemon');
    let answered = false;
    let lastError: unknown;
    for (const client of all) {
      try {
        const r = await askClientToken(client, timeoutMs)(params);
        answered = true;
        if (r?.token) return r;
      } catch (e) {
        lastError = e;
      }
    }
    if (!answered) throw lastError;
    return null;
  };
}

export const INTERACTIVE_KINDS: ReadonlySet<string> = new Set(['azure-cli', 'microsoft-account']);

/** The credential of an interactive connection; undefined for service-principal kinds (other sources answer). */
export class InteractiveCredentialSource implements CredentialSource {
  /** `askClient` absent (the CLI): a 'microsoft-account' connection has no credential here. */
  constructor(private readonly askClient?: AskClientToken) {}

  async get(c: ConnectionRecord): Promise<CredentialMaterial | undefined> {
    if (c.credentialKind === 'azure-cli') return { credential: new AzureCliSignIn(c) };
    if (c.credentialKind === 'microsoft-account' && this.askClient) return { credential: new ClientTokenCredential(c, this.askClient) };
    return undefined;
  }
}

/**
 * One token per scope for the whole sync, and one request in flight: every ARM client of a sync has its own token
 * policy, and each fetch here costs an `az` process (about a second) or a round trip to the editor.
 */
abstract class SharedTokenCredential implements TokenCredential {
  private readonly tokens = new Map<string, Promise<AccessToken>>();

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const key = typeof scopes === 'string' ? scopes : scopes.join(' ');
    const cached = this.tokens.get(key);
    if (cached) {
      return cached.then((t) => {
        if (t.expiresOnTimestamp - Date.now() > REFRESH_MARGIN_MS) return t;
        // Callers that found the same expiring token share one refresh (for az: one process, not one each).
        const current = this.tokens.get(key);
        return current && current !== cached ? current : this.fetch(key, scopes, options);
      });
    }
    return this.fetch(key, scopes, options);
  }

  private fetch(key: string, scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const p = this.fetchToken(scopes, options);
    this.tokens.set(key, p);
    // A failure is not kept: the next request (the next sync) asks again.
    p.catch(() => { if (this.tokens.get(key) === p) this.tokens.delete(key); });
    return p;
  }

  protected abstract fetchToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken>;
}

const REFRESH_MARGIN_MS = 2 * 60_000;

/** AzureCliCredential for the connection's tenant, its failures turned into "run az login ..." messages. */
export class AzureCliSignIn extends SharedTokenCredential {
  private readonly cli: AzureCliCredential;

  constructor(private readonly c: ConnectionRecord) {
    super();
    this.cli = new AzureCliCredential({ tenantId: c.tenantId });
  }

  protected async fetchToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    let t: AccessToken | null;
    try {
      t = await this.cli.getToken(scopes, { abortSignal: options?.abortSignal });
    } catch (e) {
      throw azureCliError(this.c, e);
    }
    if (!t) throw azureCliError(this.c, new Error('no token'));
    return checkedToken(this.c, t, 'the Azure CLI account', `run 'az login --tenant ${this.c.tenantId}' with an account of that tenant`);
  }
}

/** Tokens from the editor's authentication provider, asked over the protocol (GetAccessToken), silently. */
export class ClientTokenCredential extends SharedTokenCredential {
  private readonly providerId: string;

  constructor(private readonly c: ConnectionRecord, private readonly ask: AskClientToken) {
    super();
    this.providerId = resolveCloud(c.cloud).authProvider;
  }

  protected async fetchToken(scopes: string | string[]): Promise<AccessToken> {
    const c = this.c;
    const signIn = `run 'Rampart: Update Credentials' on '${c.name}' in VS Code to sign in with a Microsoft account of tenant ${c.tenantId}, then sync again`;
    let r: AccessTokenResult | null;
    try {
      r = await this.ask({
        connectionId: c.id, connectionName: c.name, tenantId: c.tenantId, providerId: this.providerId,
        scopes: typeof scopes === 'string' ? [scopes] : scopes,
      });
    } catch (e) {
      throw new SyncError('not-signed-in', `Connection '${c.name}' signs in with the VS Code Microsoft account, and no VS Code window could give a token (${firstLine(e)}). Open VS Code with Rampart, then ${signIn}.`);
    }
    if (!r?.token) throw new SyncError('not-signed-in', `VS Code has no Microsoft account session (provider '${this.providerId}') for connection '${c.name}': ${signIn}.`);
    registerSecret(r.token);
    if (!(r.expiresOnTimestamp > Date.now())) {
      throw new SyncError('session-expired', `The Microsoft account session of connection '${c.name}' has expired: ${signIn}.`);
    }
    return checkedToken(c, { token: r.token, expiresOnTimestamp: r.expiresOnTimestamp }, 'the VS Code Microsoft account', signIn);
  }
}

/** Maps AzureCliCredential's failures (it folds "not signed in" and "sign-in expired" into one message). */
export function azureCliError(c: ConnectionRecord, error: unknown): SyncError {
  const text = redact(error instanceof Error ? error.message : String(error));
  const login = `az login --tenant ${c.tenantId}`;
  const who = `Connection '${c.name}' signs in with the Azure CLI`;
  if (/Azure CLI could not be found|\baz: (?:\d+: )?(?:az: )?not found|'az' is not recognized|spawn az ENOENT/i.test(text)) {
    return new SyncError('not-signed-in', `${who}, but 'az' was not found on the PATH of Rampart. Install the Azure CLI (https://aka.ms/azure-cli), run '${login}', then sync again.`);
  }
  const aadsts = /AADSTS(\d+)/.exec(text)?.[1];
  if (aadsts && ['90002', '50020', '700016', '50128'].includes(aadsts)) {
    return new SyncError('wrong-tenant', `${who}, and its account cannot get a token for tenant ${c.tenantId} (AADSTS${aadsts}): run '${login}' with an account of that tenant, then sync again.`);
  }
  if (/az login/i.test(text) || /expired|AADSTS700082|AADSTS50173/i.test(text)) {
    return new SyncError('not-signed-in', `${who}, and it has no valid sign-in for tenant ${c.tenantId} (never signed in, or the sign-in expired): run '${login}' (for a custom cloud, 'az cloud set --name <cloud>' first), then sync again.`);
  }
  return new SyncError('not-signed-in', `${who}, and 'az account get-access-token' failed (${firstLine(text)}): run '${login}', then sync again.`);
}

/**
 * The token must be for the connection's tenant: an account signed in to another tenant would read (and record
 * evidence for) the wrong directory. Only checked when the connection names its tenant by GUID.
 */
function checkedToken(c: ConnectionRecord, t: AccessToken, source: string, fix: string): AccessToken {
  const tid = stringClaim(t.token, 'tid');
  if (/^[0-9a-f-]{36}$/i.test(c.tenantId) && tid && tid.toLowerCase() !== c.tenantId.toLowerCase()) {
    throw new SyncError('wrong-tenant', `Connection '${c.name}' is for tenant ${c.tenantId}, but ${source} gave a token of tenant ${tid}: ${fix}.`);
  }
  return t;
}


function firstLine(e: unknown): string {
  const text = redact(e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/[.\s]+$/, '');
  return text.length > 200 ? text.slice(0, 197) + '...' : text;
}
