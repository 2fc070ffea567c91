/**
 * 'microsoft-account' connections: the daemon asks its client for tokens (rampart/getAccessToken), as it asks VS Code's
 * authentication provider in the editor. Here the test client plays the editor: it answers with a real token issued
 * by the emulator's Entra ID token endpoint (client credentials of the test app), so ARM accepts it as it would a
 * user's. What the test provides: the client side of the request; everything from the request on is the product.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { ClientSecretCredential } from '@azure/identity';
import * as P from '../../server/src/protocol';
import type { EmulatorHandle } from '../emulator/emulator';
import { startDaemon, type TestDaemon } from './harness';
import { APP, SECRET, TENANT, emulatorCloud } from './fixtures';
import { useEmulatorAndDaemon } from './with-emulator';

process.env.NO_PROXY = '127.0.0.1,localhost';

describe('daemon: Microsoft account sign-in (tokens from the client)', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;
  const asked: P.AccessTokenParams[] = [];
  const issued: string[] = [];

  /** A real token from the emulator's token endpoint, for the scopes the daemon asked. */
  async function emulatorToken(scopes: string[]): Promise<P.AccessTokenResult> {
    const agent = new https.Agent({ ca: [...tls.rootCertificates, emu.caPem] });
    const cred = new ClientSecretCredential(TENANT, APP, SECRET, { authorityHost: emu.authorityHost, disableInstanceDiscovery: true, agent });
    const t = await cred.getToken(scopes);
    issued.push(t.token);
    return { token: t.token, expiresOnTimestamp: t.expiresOnTimestamp };
  }

  const connect = (name: string, tenantId = TENANT, authProvider?: string) => d.client.sendRequest(P.Connect.type, {
    name, tenantId, clientId: '', credentialKind: 'microsoft-account', cloud: { ...emulatorCloud(emu), ...(authProvider ? { authProvider } : {}) },
  });
  const sync = async (id: string) => (await d.client.sendRequest(P.Sync.type, { connectionId: id }))[0];
  const connection = async (id: string) => (await d.client.sendRequest(P.ListConnections.type)).find((c) => c.id === id)!;

  beforeEach(() => {
    asked.length = 0;
    issued.length = 0;
  });
  useEmulatorAndDaemon((e, x) => { emu = e; d = x; });

  it('syncs with the token the client gives, asked for the ARM scope from the cloud\'s provider; the token is in no log or store', async () => {
    d.client.onRequest(P.GetAccessToken.type, async (p) => { asked.push(p); return emulatorToken(p.scopes); });
    const c = await connect('Me', TENANT, 'rampart-e2e-entra');
    assert.equal(c.credentialKind, 'microsoft-account');
    const before = asked.length;
    const run = await sync(c.id);
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.counts.subscriptions, 2);
    // One token for the whole sync, shared by every ARM client (SharedTokenCredential), not one per request.
    assert.equal(asked.length - before, 1);
    assert.deepEqual(asked[0], { connectionId: c.id, connectionName: 'Me', tenantId: TENANT, providerId: 'rampart-e2e-entra', scopes: [`${emu.armEndpoint}/.default`] });
    assert.equal((await connection(c.id)).status, 'active');
    // ARM saw the client's token.
    assert.ok(emu.requests.some((r) => r.path.startsWith('/subscriptions')), 'ARM was read');
    const stored = await fs.readFile(path.join(d.storeDir, 'rampart.json'), 'utf8');
    for (const token of issued) {
      assert.ok(!stored.includes(token), 'no token in the store');
      assert.ok(!d.logs.some((l) => l.includes(token)), 'no token in the log');
    }
  });

  it('verification signs in through the client and reads the signed-in principal\'s own role assignments', async () => {
    d.client.onRequest(P.GetAccessToken.type, async (p) => emulatorToken(p.scopes));
    const c = await connect('Verify me');
    const v = await d.client.sendRequest(P.VerifyConnection.type, { connectionId: c.id });
    assert.equal(v.status, 'verified', v.statusDetail);
    assert.ok(v.setup?.principalObjectId, 'the principal comes from the token');
    assert.equal(v.setup?.readableSubscriptions, 2);
  });

  it('a custom cloud without a provider asks microsoft-sovereign-cloud', async () => {
    d.client.onRequest(P.GetAccessToken.type, async (p) => { asked.push(p); return emulatorToken(p.scopes); });
    const c = await connect('Sovereign');
    assert.equal((await sync(c.id)).status, 'succeeded');
    assert.equal(asked[0].providerId, 'microsoft-sovereign-cloud');
  });

  it('no window able to answer: needs-credentials, saying how to sign in', async () => {
    // This client registers no handler: the request fails as it does when no editor window serves it.
    const c = await connect('Nobody');
    const run = await sync(c.id);
    assert.equal(run.status, 'failed');
    assert.equal(run.errorCode, 'not-signed-in');
    assert.match(run.error!, /no VS Code window could give a token/);
    assert.match(run.error!, /Rampart: Update Credentials/);
    const after = await connection(c.id);
    assert.equal(after.status, 'needs-credentials');
    assert.equal(after.statusDetail, run.error);
  });

  it('a scheduled sync with no window able to answer (a missed schedule run at daemon start): needs-credentials', async () => {
    let now = Date.now();
    const clock = { now: () => new Date(now) };
    const schedule = { sync: { schedule: 'every-6-hours' } };
    await d.stop();
    d = await startDaemon({ storeDir: d.storeDir, clock, random: () => 0, initializationOptions: schedule });
    d.client.onRequest(P.GetAccessToken.type, async (p) => emulatorToken(p.scopes));
    const c = await connect('Scheduled');
    assert.equal((await sync(c.id)).status, 'succeeded');

    // The window closes; the daemon is started again with a client that cannot answer, after the next slot.
    await d.stop();
    now += 7 * 3_600_000;
    d = await startDaemon({ storeDir: d.storeDir, clock, random: () => 0, initializationOptions: schedule });
    const storeFile = async () => JSON.parse(await fs.readFile(path.join(d.storeDir, 'rampart.json'), 'utf8')) as { runs: P.RunSummary[] };
    for (let i = 0; i < 200 && (await storeFile()).runs.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const runs = (await storeFile()).runs;
    assert.equal(runs.length, 2, 'the missed schedule ran at start');
    assert.equal(runs[1].errorCode, 'not-signed-in');
    const after = await connection(c.id);
    assert.equal(after.status, 'needs-credentials');
    assert.match(after.statusDetail!, /no VS Code window could give a token .*Rampart: Update Credentials/);
  });

  it('VS Code has no session: needs-credentials naming the provider', async () => {
    d.client.onRequest(P.GetAccessToken.type, () => null);
    const c = await connect('Signed out');
    const run = await sync(c.id);
    assert.equal(run.errorCode, 'not-signed-in');
    assert.match(run.error!, /has no Microsoft account session \(provider 'microsoft-sovereign-cloud'\)/);
    assert.equal((await connection(c.id)).status, 'needs-credentials');
  });

  it('an expired token: session-expired, and nothing reaches ARM', async () => {
    d.client.onRequest(P.GetAccessToken.type, async (p) => ({ ...(await emulatorToken(p.scopes)), expiresOnTimestamp: Date.now() - 60_000 }));
    const c = await connect('Expired');
    const run = await sync(c.id);
    assert.equal(run.errorCode, 'session-expired');
    assert.match(run.error!, /has expired: run 'Rampart: Update Credentials'/);
    assert.ok(!emu.requests.some((r) => r.path.startsWith('/subscriptions')), 'ARM never saw the expired token');
    assert.ok(!issued.some((t) => run.error!.includes(t)));
  });

  it('a token of another tenant: wrong-tenant, naming both tenants', async () => {
    d.client.onRequest(P.GetAccessToken.type, async (p) => emulatorToken(p.scopes));
    const other = '0badc0de-0000-4000-8000-000000000001';
    const c = await connect('Elsewhere', other);
    const run = await sync(c.id);
    assert.equal(run.errorCode, 'wrong-tenant');
    assert.match(run.error!, new RegExp(`is for tenant ${other}, but the VS Code Microsoft account gave a token of tenant ${TENANT}`));
    assert.equal((await connection(c.id)).status, 'needs-credentials');
  });

  it('a service principal field on an interactive connection is refused', async () => {
    await assert.rejects(d.client.sendRequest(P.Connect.type, {
      name: 'Mixed', tenantId: TENANT, clientId: '', credentialKind: 'microsoft-account', secretEnv: 'X', cloud: emulatorCloud(emu),
    }), /takes no secret or certificate/);
  });
});
