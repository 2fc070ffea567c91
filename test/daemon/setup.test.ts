import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../../server/src/protocol';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { APP, SECRET, SUB_A, SUB_B, SUB_X, TENANT, scenario } from './fixtures';
import { startDaemon, type TestDaemon } from './harness';

process.env.NO_PROXY = '127.0.0.1,localhost';

const OVER = { clientId: '21000000-0000-4000-8000-000000000001', objectId: '31000000-0000-4000-8000-000000000001', secret: 'over-privileged-secret-1' };
const LEAST = { clientId: '21000000-0000-4000-8000-000000000002', objectId: '31000000-0000-4000-8000-000000000002', secret: 'least-privileged-secret-2' };
const NONE = { clientId: '21000000-0000-4000-8000-000000000003', objectId: '31000000-0000-4000-8000-000000000003', secret: 'no-access-secret-3' };
const MG_APP = { clientId: '21000000-0000-4000-8000-000000000004', objectId: '31000000-0000-4000-8000-000000000004', secret: 'mg-reader-secret-4' };

describe('resumable setup, generated certificates and management-group scope (daemon)', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;

  before(async () => {
    const s = scenario();
    s.apps.push(
      { ...OVER, subscriptions: [SUB_A, SUB_B] },
      { ...LEAST, subscriptions: [SUB_A] },
      { ...NONE, subscriptions: [] },
      { ...MG_APP, subscriptions: [SUB_A, SUB_B], managementGroups: ['contoso-root'] },
    );
    const a = s.subscriptions.find((x) => x.id === SUB_A)!;
    const b = s.subscriptions.find((x) => x.id === SUB_B)!;
    a.roleAssignments!.push(
      { principalId: OVER.objectId, principalType: 'ServicePrincipal', role: 'Reader' },
      { principalId: OVER.objectId, principalType: 'ServicePrincipal', role: 'Owner' },
      { principalId: LEAST.objectId, principalType: 'ServicePrincipal', role: 'Reader' },
      { principalId: LEAST.objectId, principalType: 'ServicePrincipal', role: 'Security Reader' },
    );
    b.roleAssignments!.push({ principalId: OVER.objectId, principalType: 'ServicePrincipal', role: 'Storage Blob Data Contributor', scope: 'resourceGroups/b-rg-0' });
    s.managementGroups = [
      { id: 'contoso-root', displayName: 'Contoso', subscriptions: [SUB_B] },
      { id: 'contoso-prod', displayName: 'Production', parent: 'contoso-root', subscriptions: [SUB_A] },
      { id: 'contoso-sandbox', displayName: 'Sandbox', subscriptions: [SUB_X] },
    ];
    emu = await startEmulator({ scenario: s });
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
    await emu?.stop();
    if (d) await fs.rm(d.storeDir, { recursive: true, force: true });
  });

  const cloud = () => ({ name: 'Custom' as const, authorityHost: emu.authorityHost, armEndpoint: emu.armEndpoint, caFile: emu.caFile });
  const connect = async (name: string, app: { clientId: string; secret: string }, extra: Partial<P.NewConnection> = {}) => {
    const c = await d.client.sendRequest(P.Connect.type, { name, tenantId: TENANT, clientId: app.clientId, credentialKind: 'secret', cloud: cloud(), ...extra });
    assert.equal(c.status, 'draft');
    d.secrets.set(c.id, { secret: app.secret });
    return c;
  };
  const verify = (id: string) => d.client.sendRequest(P.VerifyConnection.type, { connectionId: id });

  it('warns when the connector holds more than it needs, naming the roles and the least-privilege role', async () => {
    const c = await connect('Over', OVER);
    const v = await verify(c.id);
    assert.equal(v.status, 'verified');
    assert.equal(v.setup?.principalObjectId, OVER.objectId);
    assert.equal(v.setup?.readableSubscriptions, 2);
    const excess = v.setup!.roles.filter((r) => r.excess).map((r) => r.roleName).sort();
    assert.deepEqual(excess, ['Owner', 'Storage Blob Data Contributor']);
    assert.ok(v.setup!.roles.some((r) => r.roleName === 'Reader' && !r.excess));
    assert.match(v.setup!.warning!, /Owner/);
    assert.match(v.setup!.warning!, /Storage Blob Data Contributor/);
    assert.match(v.setup!.warning!, /Rampart Connector Reader/);
    assert.match(v.statusDetail!, /more than it needs/);
    assert.ok(v.setup!.commands.some((x) => x.includes(`az role assignment delete --assignee ${OVER.clientId} --role "Owner" --scope /subscriptions/${SUB_A}`)));
    // The role assignments were read with the principal's own filter.
    assert.ok(emu.requests.some((r) => /roleAssignments$/i.test(r.path) && r.query.$filter === `assignedTo('${OVER.objectId}')`));
  });

  it('verifies a least-privileged connector without a warning; the first sync makes it active', async () => {
    const c = await connect('Least', LEAST);
    const v = await verify(c.id);
    assert.equal(v.status, 'verified');
    assert.equal(v.setup?.warning, undefined);
    assert.deepEqual(v.setup!.roles.map((r) => r.roleName).sort(), ['Reader', 'Security Reader']);
    assert.equal(v.statusDetail, undefined);
    const [run] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(run.status, 'succeeded', run.error);
    const after = (await d.client.sendRequest(P.ListConnections.type)).find((x) => x.id === c.id)!;
    assert.equal(after.status, 'active');
  });

  it('a connector that reads nothing stays awaiting-permissions with the exact commands; resume verifies it once granted', async () => {
    const c = await connect('Pending', NONE, { subscriptions: [SUB_B] });
    const v = await verify(c.id);
    assert.equal(v.status, 'awaiting-permissions');
    assert.equal(v.setup?.readableSubscriptions, 0);
    const cmd = `az role assignment create --assignee ${NONE.clientId} --role "Reader" --scope /subscriptions/${SUB_B}`;
    assert.ok(v.setup!.commands.includes(cmd), v.setup!.commands.join('\n'));
    assert.ok(v.statusDetail!.includes(cmd));
    assert.ok(v.setup!.commands.some((x) => x.includes('--role "Security Reader"')));

    // The user runs the command; Resume Connection Setup verifies again, in the same or another window.
    const app = emu.scenario.apps.find((a) => a.clientId === NONE.clientId)!;
    app.subscriptions = [SUB_B];
    emu.scenario.subscriptions.find((x) => x.id === SUB_B)!.roleAssignments!.push({ principalId: NONE.objectId, principalType: 'ServicePrincipal', role: 'Reader' });
    const resumed = await verify(c.id);
    assert.equal(resumed.status, 'verified');
    assert.equal(resumed.setup?.warning, undefined);
    const [run] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.counts.subscriptions, 1);
  });

  it('a draft without a credential stays a draft, and an unfinished connection can be deleted', async () => {
    const c = await d.client.sendRequest(P.Connect.type, { name: 'Abandoned', tenantId: TENANT, clientId: APP, credentialKind: 'secret', cloud: cloud() });
    const v = await verify(c.id);
    assert.equal(v.status, 'draft');
    assert.match(v.statusDetail!, /No client secret/);
    d.secrets.set(c.id, { secret: 'wrong-secret' });
    const bad = await verify(c.id);
    assert.equal(bad.status, 'draft');
    assert.match(bad.statusDetail!, /Sign-in failed.*AADSTS7000215/s);
    await d.client.sendRequest(P.DeleteUnfinished.type, { connectionId: c.id });
    assert.ok(!(await d.client.sendRequest(P.ListConnections.type)).some((x) => x.id === c.id));
    const store = JSON.parse(await fs.readFile(path.join(d.storeDir, 'rampart.json'), 'utf8'));
    assert.ok(store.audit.some((r: { action: string; connectionId: string; details: { discarded?: boolean } }) => r.action === 'revoke' && r.connectionId === c.id && r.details.discarded));
    // A connection that has synced is revoked, not deleted.
    const active = (await d.client.sendRequest(P.ListConnections.type)).find((x) => x.name === 'Least')!;
    await assert.rejects(d.client.sendRequest(P.DeleteUnfinished.type, { connectionId: active.id }), /revoke it instead/);
  });

  it('Create Certificate Credential: the generated PEM signs in once its public certificate is registered', async () => {
    const c = await connect('Cert', { clientId: APP, secret: SECRET });
    const r = await d.client.sendRequest(P.CreateCertificate.type, { connectionId: c.id, file: 'cert.cer' });
    assert.equal(r.connection.credentialKind, 'certificate');
    assert.match(r.pem, /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----\n$/);
    assert.doesNotMatch(r.certificatePem, /PRIVATE KEY/);
    const x = new X509Certificate(r.certificatePem);
    assert.equal(x.subject, 'CN=Cert');
    assert.equal(x.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86_400_000;
    assert.ok(days >= 364 && days <= 366, `${days} days`);
    assert.equal(createPrivateKey(r.pem).asymmetricKeyType, 'rsa');
    assert.match(r.instructions, new RegExp(`az ad app credential reset --id ${APP} --cert @cert\\.cer --append`));
    assert.equal(r.thumbprint, x.fingerprint.replace(/:/g, ''));

    // As SecretStorage would hold it; not registered in Entra yet: AADSTS700027.
    d.secrets.set(c.id, { certificatePem: r.pem });
    const [rejected] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(rejected.status, 'failed');
    assert.match(rejected.error!, /AADSTS700027/);
    // The user runs `az ad app credential reset ... --cert @cert.cer --append`.
    emu.scenario.apps.find((a) => a.clientId === APP)!.certificate = r.certificatePem;
    const [run] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(run.status, 'succeeded', run.error);
    const store = await fs.readFile(path.join(d.storeDir, 'rampart.json'), 'utf8');
    assert.doesNotMatch(store, /PRIVATE KEY/);
    const audit = JSON.parse(store).audit as { action: string; connectionId: string; details: Record<string, unknown> }[];
    assert.ok(audit.some((a) => a.action === 're-auth' && a.connectionId === c.id && a.details.thumbprint === r.thumbprint));
  });

  it('a management-group connection reads the subscriptions below the group, listed at sync time', async () => {
    const c = await connect('By group', MG_APP, { managementGroup: 'contoso-root' });
    assert.equal(c.managementGroup, 'contoso-root');
    const v = await verify(c.id);
    assert.equal(v.status, 'verified', v.statusDetail);
    assert.equal(v.setup?.readableSubscriptions, 2);
    const [run] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(run.status, 'succeeded', run.error);
    const synced = (await d.client.sendRequest(P.ListConnections.type)).find((x) => x.id === c.id)!;
    assert.deepEqual(synced.subscriptions.map((s) => s.id).sort(), [SUB_A, SUB_B]);
    assert.ok(emu.requests.some((r) => /managementGroups\/contoso-root\/descendants$/i.test(r.path) && r.status === 200));

    // A subscription moved into the group is read at the next sync, with no change to the connection.
    emu.scenario.managementGroups!.find((g) => g.id === 'contoso-prod')!.subscriptions!.push(SUB_X);
    emu.scenario.apps.find((a) => a.clientId === MG_APP.clientId)!.subscriptions = '*';
    const [again] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(again.status, 'succeeded', again.error);
    assert.equal(again.counts.subscriptions, 3);

    // The least-privilege role of a management-group connection is scoped to the group and can list it.
    const role = JSON.parse((await d.client.sendRequest(P.ConnectorRole.type, { connectionId: c.id })).json);
    assert.deepEqual(role.AssignableScopes, ['/providers/Microsoft.Management/managementGroups/contoso-root']);
    assert.ok(role.Actions.includes('Microsoft.Management/managementGroups/descendants/read'));
  });

  it('a group the connector cannot read: awaiting-permissions at verification, a 403 at sync', async () => {
    const c = await connect('Sandbox group', MG_APP, { managementGroup: 'contoso-sandbox' });
    const v = await verify(c.id);
    assert.equal(v.status, 'awaiting-permissions');
    assert.ok(v.setup!.commands.includes(`az role assignment create --assignee ${MG_APP.clientId} --role "Reader" --scope /providers/Microsoft.Management/managementGroups/contoso-sandbox`));
    const [run] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(run.status, 'failed');
    assert.match(run.error!, /descendants\/read|not allowed|permission|authoriz/i);
    await assert.rejects(d.client.sendRequest(P.Connect.type, { name: 'Both', tenantId: TENANT, clientId: APP, credentialKind: 'secret', cloud: cloud(), managementGroup: 'contoso-root', subscriptions: [SUB_A] }), /not both/);
  });
});

describe('rampart credentials create-certificate (CLI)', function () {
  this.timeout(60_000);
  const CLI = path.resolve(__dirname, '../../dist/cli.js');
  const run = (args: string[]) => new Promise<{ code: number | null; out: string }>((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', AZURE_CLIENT_SECRET: SECRET } });
    let out = '';
    p.stdout.on('data', (x) => (out += x));
    p.stderr.on('data', (x) => (out += x));
    p.on('close', (code) => resolve({ code, out }));
  });
  let emu: EmulatorHandle;
  let dir: string;
  before(async () => {
    emu = await startEmulator({ scenario: scenario() });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-newcert-'));
  });
  after(async () => {
    await emu?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes the public certificate and a mode-600 key the connection then signs in with', async () => {
    const store = path.join(dir, 'store');
    const c = await run(['connect', '--store', store, '--name', 'cli-cert', '--tenant', TENANT, '--client-id', APP, '--no-sync',
      '--authority-host', emu.authorityHost, '--arm-endpoint', emu.armEndpoint, '--ca-file', emu.caFile]);
    assert.equal(c.code, 0, c.out);
    const out = path.join(dir, 'cli-cert.cer');
    const r = await run(['credentials', 'create-certificate', '--store', store, '--connection', 'cli-cert', '--out', out]);
    assert.equal(r.code, 0, r.out);
    assert.ok(r.out.includes(`az ad app credential reset --id ${APP} --cert @${out} --append`), r.out);
    assert.doesNotMatch(r.out, /PRIVATE KEY/);
    const keyFile = path.join(dir, 'cli-cert.key.pem');
    assert.equal((await fs.stat(keyFile)).mode & 0o777, 0o600);
    const pub = await fs.readFile(out, 'utf8');
    assert.doesNotMatch(pub, /PRIVATE KEY/);
    assert.equal(new X509Certificate(pub).subject, 'CN=cli-cert');
    // Registered in Entra as the printed command would; the secret is no longer used.
    emu.scenario.apps[0].certificate = pub;
    emu.scenario.apps[0].secret = 'rotated-away';
    const s = await run(['sync', '--store', store, '--connection', 'cli-cert']);
    assert.equal(s.code, 0, s.out);
    assert.match(s.out, /succeeded/);
    const again = await run(['credentials', 'create-certificate', '--store', store, '--connection', 'cli-cert', '--out', out]);
    assert.equal(again.code, 2, 'never overwrites a private key');
    assert.match(again.out, /never overwrites a private key/);
  });
});
