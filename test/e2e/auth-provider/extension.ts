/**
 * Test only (the real-editor tests load it next to Rampart): a real VS Code AuthenticationProvider, id
 * `rampart-e2e-entra`, for the emulator cloud. VS Code's own `microsoft` provider ships with code-server, but its
 * sign-in is a browser flow against login.microsoftonline.com, which the tests cannot reach; this provider plays its
 * part. What is real: VS Code's authentication API (the "wants to sign in" consent dialog, sessions, silent
 * requests), Rampart's sign-in and token requests, and the token, issued by the emulator's Entra ID token endpoint
 * and accepted by its ARM. What the test provides: the provider, which signs in as the scenario's sample app
 * (client credentials) where a user would sign in interactively.
 */
import { promises as fs } from 'node:fs';
import * as https from 'node:https';
import * as vscode from 'vscode';

const ID = 'rampart-e2e-entra';
const SAMPLE_CLIENT_ID = '3f1e0d52-7c3a-4a55-9d5e-2b8f6a1c9e01';

interface App { clientId: string; displayName?: string; secret?: string }

export function activate(context: vscode.ExtensionContext): void {
  const changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  const sessions: vscode.AuthenticationSession[] = [];
  const provider: vscode.AuthenticationProvider = {
    onDidChangeSessions: changed.event,
    getSessions: async (scopes) => sessions.filter((s) => !scopes || sameScopes(s.scopes, scopes)),
    createSession: async (scopes) => {
      const { app, token } = await signIn(scopes);
      const session: vscode.AuthenticationSession = {
        id: `${app.clientId}:${[...scopes].sort().join(' ')}`, accessToken: token, scopes: [...scopes],
        account: { id: app.clientId, label: `${app.displayName ?? 'app'} (emulator)` },
      };
      sessions.push(session);
      changed.fire({ added: [session], removed: [], changed: [] });
      return session;
    },
    removeSession: async (id) => {
      const i = sessions.findIndex((s) => s.id === id);
      if (i >= 0) changed.fire({ added: [], removed: sessions.splice(i, 1), changed: [] });
    },
  };
  context.subscriptions.push(changed, vscode.authentication.registerAuthenticationProvider(ID, 'Rampart E2E Entra ID (emulator)', provider));
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');
}

/** A token from the emulator's v2.0 token endpoint for the resource scopes, in the tenant VSCODE_TENANT names. */
async function signIn(scopes: readonly string[]): Promise<{ app: App; token: string }> {
  const env = (k: string) => process.env[k] ?? (() => { throw new Error(`${k} is not set: run through test/e2e/run.sh`); })();
  const scenario = JSON.parse(await fs.readFile(env('RAMPART_E2E_SCENARIO'), 'utf8')) as { apps: App[] };
  const app = scenario.apps.find((a) => a.clientId === SAMPLE_CLIENT_ID && a.secret);
  if (!app?.secret) throw new Error('the scenario has no sample app with a secret');
  const tenant = scopes.find((s) => s.startsWith('VSCODE_TENANT:'))?.slice('VSCODE_TENANT:'.length) ?? env('RAMPART_E2E_TENANT');
  const body = new URLSearchParams({
    grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.secret,
    scope: scopes.filter((s) => !s.startsWith('VSCODE_')).join(' '),
  }).toString();
  const ca = await fs.readFile(env('RAMPART_E2E_CA_FILE'), 'utf8');
  const url = new URL(`${env('RAMPART_E2E_EMULATOR_URL').replace(/\/+$/, '')}/${tenant}/oauth2/v2.0/token`);
  const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
  const json = JSON.parse(answer.text) as { access_token?: string; error_description?: string };
  if (answer.status !== 200 || !json.access_token) throw new Error(`the emulator refused the sign-in (${answer.status}): ${json.error_description ?? answer.text}`);
  return { app, token: json.access_token };
}
