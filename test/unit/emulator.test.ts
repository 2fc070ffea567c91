/**
 * The emulator against the REAL @azure/* SDKs (identity, arm-resources, arm-resources-subscriptions,
 * arm-authorization). Run: npx mocha --import=tsx test/unit/emulator.test.ts
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import tls from 'node:tls';
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { generate } from 'selfsigned';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import type { Scenario } from '../emulator/scenario';

const SAMPLE = join(__dirname, '..', 'emulator', 'scenarios', 'sample.json');
const READER = '3f1e0d52-7c3a-4a55-9d5e-2b8f6a1c9e01';
const SECRET = 'demo-secret-value-not-real';
const LIMITED = '5a9c7e23-1b4d-4f66-8e2a-7c3d9b0f1a02';
const LIMITED_SECRET = 'limited-secret-value-not-real';
const EXPIRED = '8d2f4b61-9e3a-4c77-a1b5-3e6f0c2d8b03';
const CERT_APP = '0c4e6a81-2d3f-4b5a-9c7d-8e9f0a1b2c04';
const FAST_RETRY = { maxRetries: 2, retryDelayInMs: 50, maxRetryDelayInMs: 200 };

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<Error & { statusCode?: number; code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { statusCode?: number; code?: string };
  }
  throw new Error('expected a rejection');
}

describe('emulator (real Azure SDKs)', function () {
  this.timeout(20000);
  let emu: EmulatorHandle;
  let agent: https.Agent;
  let reader: ClientSecretCredential;
  let prod: string;
  let dev: string;

  const credOpts = (retryOptions?: typeof FAST_RETRY) => ({
    authorityHost: emu.authorityHost,
    disableInstanceDiscovery: true,
    agent,
    ...(retryOptions ? { retryOptions } : {}),
  });
  const armOpts = (retryOptions?: typeof FAST_RETRY) => ({
    endpoint: emu.armEndpoint,
    credentialScopes: [`${emu.armEndpoint}/.default`],
    agent,
    ...(retryOptions ? { retryOptions } : {}),
  });
  const secretCred = (clientId: string, secret: string, tenant = emu.tenantId, retryOptions?: typeof FAST_RETRY) =>
    new ClientSecretCredential(tenant, clientId, secret, credOpts(retryOptions));
  const scope = () => `${emu.armEndpoint}/.default`;

  /** A control or raw request over https, trusting the emulator's CA. */
  function raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = https.request(`${emu.url}${path}`, { method, agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  before(async () => {
    process.env.NO_PROXY = '127.0.0.1,localhost';
    const scenario = JSON.parse(readFileSync(SAMPLE, 'utf8')) as Scenario;
    scenario.pageSize = 3;
    emu = await startEmulator({ scenario });
    agent = new https.Agent({ ca: [...tls.rootCertificates, emu.caPem], keepAlive: true });
    reader = secretCred(READER, SECRET);
    prod = emu.scenario.subscriptions[0].id;
    dev = emu.scenario.subscriptions[1].id;
  });
  after(async () => {
    await emu?.stop();
    agent?.destroy();
  });
  /** Every log entry any test saw (some tests clear the log), for the "never logs a secret" check. */
  const seenLog: string[] = [];
  afterEach(() => {
    emu.clearFaults();
    seenLog.push(JSON.stringify(emu.requests));
  });

  describe('Entra ID', () => {
    it('issues a token for the right client secret (warm the CAE cache the ARM clients use)', async () => {
      const t = await reader.getToken(scope(), { enableCae: true });
      assert.ok(t && t.token.length > 20);
      assert.ok(t.expiresOnTimestamp > Date.now() + 3500_000);
      const token = emu.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).at(-1);
      assert.equal(token?.status, 200);
      assert.equal(token?.clientId, READER);
    });

    it('rejects a wrong secret with AADSTS7000215', async () => {
      const e = await rejection(secretCred(READER, 'not-the-secret').getToken(scope()));
      assert.equal(e.name, 'AuthenticationRequiredError');
      assert.match(e.message, /AADSTS7000215: Invalid client secret provided/);
    });

    it('rejects an expired secret with AADSTS7000222', async () => {
      const e = await rejection(secretCred(EXPIRED, 'expired-secret-value-not-real').getToken(scope()));
      assert.match(e.message, /AADSTS7000222: The provided client secret keys for app '8d2f4b61-9e3a-4c77-a1b5-3e6f0c2d8b03' are expired/);
    });

    it('rejects an unknown app with AADSTS700016', async () => {
      const e = await rejection(secretCred('11111111-2222-3333-4444-555555555555', 'x').getToken(scope()));
      assert.match(e.message, /AADSTS700016: Application with identifier '11111111-2222-3333-4444-555555555555' was not found in the directory 'Contoso'/);
    });

    it('rejects an unknown tenant at discovery (MSAL: endpoints_resolution_error) and at the token endpoint (AADSTS90002)', async () => {
      const tenant = '99999999-8888-7777-6666-555555555555';
      const e = await rejection(secretCred(READER, SECRET, tenant).getToken(scope()));
      assert.equal(e.name, 'CredentialUnavailableError');
      assert.match(e.message, /endpoints_resolution_error/);
      const seen = emu.requests.filter((r) => r.path.startsWith(`/${tenant}/`));
      assert.deepEqual(seen.map((r) => r.status), [400]);
      const discovery = await raw('GET', `/${tenant}/v2.0/.well-known/openid-configuration`);
      assert.equal(discovery.status, 400);
      assert.deepEqual(JSON.parse(discovery.text).error_codes, [90002]);
      const tokenRes = await raw('POST', `/${tenant}/oauth2/v2.0/token`, `client_id=${READER}&grant_type=client_credentials&scope=x%2F.default&client_secret=${SECRET}`, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      const body = JSON.parse(tokenRes.text);
      assert.equal(tokenRes.status, 400);
      assert.equal(body.error, 'invalid_tenant');
      assert.match(body.error_description, /^AADSTS90002: Tenant '99999999-8888-7777-6666-555555555555' not found\..* Trace ID: \S+ Correlation ID: \S+ Timestamp: /);
      for (const k of ['timestamp', 'trace_id', 'correlation_id', 'error_uri']) assert.ok(body[k], k);
    });

    describe('certificate credentials', () => {
      let certPem: string;
      let keyPem: string;
      before(async () => {
        const pems = await generate([{ name: 'commonName', value: 'rampart-cert-app' }], { keySize: 2048, algorithm: 'sha256' });
        certPem = pems.cert;
        keyPem = pems.private;
        emu.scenario.apps.push({ clientId: CERT_APP, displayName: 'rampart-cert', certificate: certPem, subscriptions: '*' });
      });

      it('accepts an assertion signed by the registered certificate and reaches ARM as that app', async () => {
        assert.match(keyPem, /BEGIN PRIVATE KEY/); // PKCS#8
        const cred = new ClientCertificateCredential(emu.tenantId, CERT_APP, { certificate: `${certPem}\n${keyPem}` }, credOpts());
        const subs = await collect(new SubscriptionClient(cred, armOpts()).subscriptions.list());
        assert.equal(subs.length, 3);
        assert.equal(emu.requests.at(-1)?.clientId, CERT_APP);
      });

      it('rejects the registered certificate with a different private key (AADSTS700027)', async () => {
        const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        const cred = new ClientCertificateCredential(emu.tenantId, CERT_APP, { certificate: `${certPem}\n${other}` }, credOpts());
        const e = await rejection(cred.getToken(scope()));
        assert.match(e.message, /AADSTS700027: Client assertion failed signature validation/);
      });

      it('rejects a certificate that is not registered on the app (AADSTS700027)', async () => {
        const pems = await generate([{ name: 'commonName', value: 'stranger' }], { keySize: 2048, algorithm: 'sha256' });
        const cred = new ClientCertificateCredential(emu.tenantId, CERT_APP, { certificate: `${pems.cert}\n${pems.private}` }, credOpts());
        const e = await rejection(cred.getToken(scope()));
        assert.match(e.message, /AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application/);
      });
    });
  });

  describe('ARM', () => {
    it('lists subscriptions in the real shape (reusing the warmed CAE token)', async () => {
      const tokenPosts = () => emu.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;
      const before = tokenPosts();
      const subs = await collect(new SubscriptionClient(reader, armOpts()).subscriptions.list());
      assert.deepEqual(subs.map((s) => s.displayName), ['Contoso Production', 'Contoso Development', 'Contoso Shared Services']);
      const s = subs[0];
      assert.equal(s.id, `/subscriptions/${prod}`);
      assert.equal(s.subscriptionId, prod);
      assert.equal(s.tenantId, emu.tenantId);
      assert.equal(s.state, 'Enabled');
      assert.equal(s.authorizationSource, 'RoleBased');
      assert.equal(s.subscriptionPolicies?.spendingLimit, 'Off');
      assert.equal(tokenPosts(), before, 'ARM clients ask for enableCae tokens: the warm-up must too');
    });

    it('pages resource groups (pageSize 3) and returns every group', async () => {
      emu.requests.length = 0;
      const names: string[] = [];
      for (const sub of emu.scenario.subscriptions) {
        const groups = await collect(new ResourceManagementClient(reader, sub.id, armOpts()).resourceGroups.list());
        assert.deepEqual(groups.map((g) => g.name), (sub.resourceGroups ?? []).map((g) => g.name));
        names.push(...groups.map((g) => g.name!));
        const g = groups[0];
        assert.equal(g.type, 'Microsoft.Resources/resourceGroups');
        assert.equal(g.id, `/subscriptions/${sub.id}/resourceGroups/${g.name}`);
        assert.equal(g.properties?.provisioningState, 'Succeeded');
      }
      assert.equal(names.length, 12);
      const pages = emu.requests.filter((r) => /resourcegroups$/i.test(r.path));
      assert.equal(pages.length, 2 + 2 + 1); // 5, 4 and 3 groups
      assert.ok(pages.some((r) => r.query.$skiptoken && r.query['api-version']));
    });

    it('serves role assignments as the SDK deserializes them, across pages and with $filter', async () => {
      const authz = new AuthorizationManagementClient(reader, prod, armOpts());
      const all = await collect(authz.roleAssignments.listForSubscription());
      // The subscription's own, and those it inherits from the tenant root (scope "/").
      assert.equal(all.length, emu.scenario.subscriptions[0].roleAssignments!.length + emu.scenario.rootRoleAssignments!.length);
      const root = all.filter((a) => a.scope === '/');
      assert.equal(root.length, 1);
      assert.match(root[0].id!, /^\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-f-]{36}$/);
      assert.equal(root[0].roleDefinitionId, `/subscriptions/${prod}/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9`, 'User Access Administrator');
      const owner = all.find((a) => a.principalType === 'ServicePrincipal' && a.roleDefinitionId?.endsWith('8e3af657-a8ff-443c-a75c-2fe8c4bcb635'));
      assert.ok(owner, 'Owner to a service principal');
      assert.equal(owner.type, 'Microsoft.Authorization/roleAssignments');
      assert.equal(owner.scope, `/subscriptions/${prod}`);
      assert.equal(owner.roleDefinitionId, `/subscriptions/${prod}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`);
      assert.ok(owner.createdOn instanceof Date);
      assert.ok(all.some((a) => a.scope === `/subscriptions/${prod}/resourceGroups/rg-prod-web`));
      const atScope = await collect(authz.roleAssignments.listForSubscription({ filter: 'atScope()' }));
      assert.ok(atScope.length > 0 && atScope.length < all.length);
      assert.ok(atScope.every((a) => a.scope === `/subscriptions/${prod}` || a.scope === '/'), 'at the scope or above it, as ARM answers atScope()');
      const mine = await collect(authz.roleAssignments.listForSubscription({ filter: `principalId eq '${owner.principalId}'` }));
      assert.ok(mine.length >= 1 && mine.every((a) => a.principalId === owner.principalId));
      const devAll = await collect(new AuthorizationManagementClient(reader, dev, armOpts()).roleAssignments.listForSubscription());
      assert.ok(devAll.some((a) => a.principalType === 'ForeignGroup'));
    });

    it('serves built-in and custom role definitions (leading-slash scope works)', async () => {
      const authz = new AuthorizationManagementClient(reader, prod, armOpts());
      const defs = await collect(authz.roleDefinitions.list(`/subscriptions/${prod}`));
      const owner = defs.find((d) => d.roleName === 'Owner');
      assert.equal(owner?.roleType, 'BuiltInRole');
      assert.equal(owner?.id, `/subscriptions/${prod}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`);
      assert.deepEqual(owner?.permissions?.[0].actions, ['*']);
      const custom = await collect(authz.roleDefinitions.list(`/subscriptions/${prod}`, { filter: "type eq 'CustomRole'" }));
      assert.deepEqual(custom.map((d) => d.roleName).sort(), ['Contoso Ops Superuser', 'Contoso VM Operator']);
      assert.ok(custom.every((d) => d.roleType === 'CustomRole'));
      const reader1 = await authz.roleDefinitions.get(`/subscriptions/${prod}`, 'acdd72a7-3385-48ef-bd42-f606fba81ae7');
      assert.equal(reader1.roleName, 'Reader');
      const byName = await collect(authz.roleDefinitions.list(`/subscriptions/${prod}`, { filter: "roleName eq 'User Access Administrator'" }));
      assert.equal(byName.length, 1);
      assert.ok(emu.requests.some((r) => r.path === `/subscriptions/${prod}/providers/Microsoft.Authorization/roleDefinitions`));
    });

    it('answers 403 AuthorizationFailed for a subscription the app may not read, and hides it from the list', async () => {
      const limited = secretCred(LIMITED, LIMITED_SECRET);
      const subs = await collect(new SubscriptionClient(limited, armOpts()).subscriptions.list());
      assert.deepEqual(subs.map((s) => s.subscriptionId), [prod]);
      const e = await rejection(collect(new ResourceManagementClient(limited, dev, armOpts()).resourceGroups.list()));
      assert.equal(e.statusCode, 403);
      assert.equal(e.code, 'AuthorizationFailed');
      const oid = emu.scenario.apps.find((a) => a.clientId === LIMITED)!.objectId;
      assert.match(e.message, new RegExp(`The client '${oid}' with object id '${oid}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/read' over scope '/subscriptions/${dev}'`));
    });

    it('answers 401 InvalidAuthenticationToken without or with a bad token, 404 for unknown routes', async () => {
      const none = await raw('GET', '/subscriptions?api-version=2022-12-01');
      assert.equal(none.status, 401);
      assert.equal(JSON.parse(none.text).error.code, 'InvalidAuthenticationToken');
      const bad = await raw('GET', '/subscriptions?api-version=2022-12-01', undefined, { authorization: 'Bearer abc.def.ghi' });
      assert.equal(bad.status, 401);
      assert.equal(JSON.parse(bad.text).error.code, 'InvalidAuthenticationToken');
      const token = (await reader.getToken(scope(), { enableCae: true }))!.token;
      const unknown = await raw('GET', `/subscriptions/${prod}/providers/Microsoft.Nope/things?api-version=1`, undefined, { authorization: `Bearer ${token}` });
      assert.equal(unknown.status, 404);
      assert.equal(JSON.parse(unknown.text).error.code, 'InvalidResourceType');
    });
  });

  describe('faults', () => {
    it('a 500 on the 2nd page of role assignments beyond the retry count fails the listing', async () => {
      emu.addFault({ route: 'roleAssignments$', from: 2, times: 10, status: 500 });
      const authz = new AuthorizationManagementClient(reader, prod, armOpts(FAST_RETRY));
      const e = await rejection(collect(authz.roleAssignments.listForSubscription()));
      assert.equal(e.statusCode, 500);
      const faulted = emu.requests.filter((r) => r.fault === 'status 500');
      assert.equal(faulted.length, 3); // first try + 2 retries
    });

    it('a 429 with Retry-After 1 is retried by the SDK and succeeds', async () => {
      emu.addFault({ route: '^/subscriptions$', times: 1, status: 429, retryAfter: 1 });
      const started = Date.now();
      const subs = await collect(new SubscriptionClient(reader, armOpts(FAST_RETRY)).subscriptions.list());
      assert.equal(subs.length, 3);
      assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
      const hits = emu.requests.filter((r) => r.path === '/subscriptions').slice(-2);
      assert.deepEqual(hits.map((r) => r.status), [429, 200]);
    });

    it('forbidden answers 403 AuthorizationFailed naming the route action; latency only slows the answer', async () => {
      emu.addFault({ route: 'resourcegroups$', forbidden: true, times: 1 });
      const e = await rejection(collect(new ResourceManagementClient(reader, prod, armOpts(FAST_RETRY)).resourceGroups.list()));
      assert.equal(e.statusCode, 403);
      assert.equal(e.code, 'AuthorizationFailed');
      assert.match(e.message, /perform action 'Microsoft.Resources\/subscriptions\/resourceGroups\/read' over scope '\/subscriptions\//);
      emu.addFault({ route: '^/subscriptions$', method: 'GET', latencyMs: 150 });
      const started = Date.now();
      assert.equal((await collect(new SubscriptionClient(reader, armOpts()).subscriptions.list())).length, 3);
      assert.ok(Date.now() - started >= 140);
      assert.equal(emu.requests.at(-1)?.fault, 'latency 150ms');
    });

    it('a malformed body fails the call', async () => {
      emu.addFault({ route: '^/subscriptions$', malformed: true });
      const e = await rejection(collect(new SubscriptionClient(reader, armOpts(FAST_RETRY)).subscriptions.list()));
      assert.match(`${e.code} ${e.message}`, /PARSE_ERROR|JSON/i);
    });

    it('a dropped connection is retried once, and fails the call when it persists', async () => {
      emu.addFault({ route: '^/subscriptions$', drop: true, times: 1 });
      const subs = await collect(new SubscriptionClient(reader, armOpts(FAST_RETRY)).subscriptions.list());
      assert.equal(subs.length, 3);
      emu.clearFaults();
      emu.addFault({ route: '^/subscriptions$', drop: true });
      const e = await rejection(collect(new SubscriptionClient(reader, armOpts(FAST_RETRY)).subscriptions.list()));
      assert.match(`${e.code} ${e.message}`, /ECONNRESET|socket hang up/i);
      assert.ok(emu.requests.some((r) => r.fault === 'drop' && r.status === 0));
    });

    it('faults apply to the token endpoint too (dropped connection at sign-in)', async () => {
      emu.addFault({ route: '/oauth2/v2.0/token$', drop: true });
      const e = await rejection(secretCred(READER, SECRET, emu.tenantId, FAST_RETRY).getToken(scope()));
      assert.equal(e.name, 'AuthenticationRequiredError');
      assert.match(e.message, /network_error/);
      const drops = emu.requests.filter((r) => r.fault === 'drop' && r.path.endsWith('/oauth2/v2.0/token'));
      assert.equal(drops.length, 3); // identity retries token requests too (1 + maxRetries 2)
    });
  });

  describe('CLI', () => {
    const main = join(__dirname, '..', 'emulator', 'main.ts');
    const run = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

    it('--json prints one line, serves, and stops cleanly on SIGTERM', async () => {
      const child = run(['--scenario', SAMPLE, '--json']);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.on('exit', () => reject(new Error(`exited early: ${out}`)));
      });
      const info = JSON.parse(line) as { url: string; authorityHost: string; armEndpoint: string; caFile: string; tenantId: string };
      assert.deepEqual(Object.keys(info).sort(), ['armEndpoint', 'authorityHost', 'caFile', 'tenantId', 'url']);
      const ca = readFileSync(info.caFile, 'utf8');
      const status = await new Promise<number>((resolve, reject) => {
        https
          .get(`${info.url}/${info.tenantId}/v2.0/.well-known/openid-configuration`, { ca }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
      assert.equal(status, 200);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    });

    it('exits 2 with a one-line message for a missing scenario', async () => {
      const child = run(['--scenario', '/nonexistent/scenario.json']);
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      assert.equal(code, 2);
      assert.match(err.trim(), /^rampart-emulator: cannot read scenario file \/nonexistent\/scenario.json \(ENOENT\)$/);
    });
  });

  describe('control endpoints and request log', () => {
    it('adds and clears faults, reads and clears the log, patches an app secret', async () => {
      const added = await raw('POST', '/_emulator/faults', { route: '^/subscriptions$', status: 503, times: 1 });
      assert.equal(added.status, 201);
      const bad = await raw('POST', '/_emulator/faults', { route: '(' });
      assert.equal(bad.status, 400);
      assert.equal((await raw('DELETE', '/_emulator/faults')).status, 204);
      const subs = await collect(new SubscriptionClient(reader, armOpts(FAST_RETRY)).subscriptions.list());
      assert.equal(subs.length, 3);

      const log = await raw('GET', '/_emulator/requests');
      assert.equal(log.status, 200);
      const entries = JSON.parse(log.text) as { path: string; status: number; at: number; method: string }[];
      assert.equal(entries.at(-1)?.path, '/subscriptions');
      assert.equal(entries.at(-1)?.status, 200);
      assert.ok(!entries.some((e) => e.path.startsWith('/_emulator')));
      assert.equal((await raw('DELETE', '/_emulator/requests')).status, 204);
      assert.equal(emu.requests.length, 0);

      const patched = await raw('PATCH', `/_emulator/apps/${LIMITED}`, { secret: 'rotated-secret' });
      assert.equal(patched.status, 200);
      assert.ok(!patched.text.includes('rotated-secret'));
      const old = await rejection(secretCred(LIMITED, LIMITED_SECRET).getToken(scope()));
      assert.match(old.message, /AADSTS7000215/);
      assert.ok(await secretCred(LIMITED, 'rotated-secret').getToken(scope()));
      assert.equal((await raw('PATCH', '/_emulator/apps/nope', { secret: 'x' })).status, 404);
    });

    it('never logs a secret or an assertion', async () => {
      const everything = seenLog.join('\n') + (await raw('GET', '/_emulator/requests')).text;
      assert.ok(everything.includes('/oauth2/v2.0/token'));
      for (const s of [SECRET, LIMITED_SECRET, 'rotated-secret', 'not-the-secret', 'client_assertion', 'eyJ']) {
        assert.ok(!everything.includes(s), `log contains ${s}`);
      }
    });
  });
});
