/**
 * Roles over the daemon protocol: the daemon enforces them, not the editor. A viewer's revoke, approve and connect
 * fail with the message and a permission-denied audit row; status, listing and export still work.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../../server/src/protocol';
import type { StoreData } from '../../server/src/store/schema';
import { type TestDaemon, startDaemon } from './harness';

const NEW: P.NewConnection = { name: 'Prod', tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-2222-4333-8444-555555555555', credentialKind: 'secret', cloud: { name: 'AzureCloud' } };

describe('roles over the daemon protocol', function () {
  this.timeout(30_000);
  let storeDir: string;
  let d: TestDaemon | undefined;
  const readStore = async () => JSON.parse(await fs.readFile(path.join(storeDir, 'rampart.json'), 'utf8')) as StoreData;

  beforeEach(async () => { storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-roles-daemon-')); });
  afterEach(async () => { await d?.stop(); d = undefined; await fs.rm(storeDir, { recursive: true, force: true }); });

  it('the first user is admin; a viewer cannot revoke, approve or connect, but sees everything and can export', async () => {
    d = await startDaemon({ storeDir, user: () => 'alice' });
    assert.deepEqual(await d.client.sendRequest(P.Roles.type), { user: 'alice', role: 'admin', admins: ['alice'], viewers: [] });
    const conn = await d.client.sendRequest(P.Connect.type, NEW);
    const assessment = await d.client.sendRequest(P.CreateAssessment.type, { name: 'Q1', from: '2025-01-01', to: '2025-03-31' });
    const view = await d.client.sendRequest(P.SetRole.type, { user: 'bob', role: 'viewer' });
    assert.deepEqual(view.viewers, ['bob']);
    assert.ok(d.storeChanged.includes('roles'));
    await d.stop();

    d = await startDaemon({ storeDir, user: () => 'bob' });
    assert.deepEqual(await d.client.sendRequest(P.Roles.type), { user: 'bob', role: 'viewer', admins: ['alice'], viewers: ['bob'] });
    const refused: [string, Promise<unknown>][] = [
      ['revoke', d.client.sendRequest(P.Revoke.type, { connectionId: conn.id })],
      ['approve-assessment', d.client.sendRequest(P.ApproveAssessment.type, { assessment: assessment.id })],
      ['connect', d.client.sendRequest(P.Connect.type, { ...NEW, name: 'Other' })],
      ['set-role', d.client.sendRequest(P.SetRole.type, { user: 'bob', role: 'admin' })],
    ];
    for (const [, attempt] of refused) {
      await assert.rejects(attempt, (e: Error) => {
        assert.match(e.message, /'bob' is a viewer of this Rampart store: .* needs an admin\. Ask an admin \(alice\) to run it, or to make you one with: rampart roles add-admin bob$/);
        return true;
      });
    }
    const stored = await readStore();
    const denied = stored.audit.filter((r) => r.action === 'permission-denied');
    assert.deepEqual(denied.map((r) => [r.user, r.details.action]), refused.map(([action]) => ['bob', action]));
    assert.equal(stored.connections.length, 1);
    assert.equal(stored.connections[0].deletedAt, undefined);
    assert.equal(stored.assessments[0].status, 'draft');

    const status = await d.client.sendRequest(P.Status.type);
    assert.equal(status.storePath, path.join(storeDir, 'rampart.json'));
    assert.equal((await d.client.sendRequest(P.ListConnections.type)).length, 1);
    const out = path.join(storeDir, 'out.json');
    const exported = await d.client.sendRequest(P.Export.type, { format: 'json', out });
    assert.equal(exported.file, out);
    await fs.access(out);
  });
});

describe('roles through the CLI (dist/cli.js)', function () {
  this.timeout(60_000);
  const CLI = path.resolve(__dirname, '../../dist/cli.js');
  let store: string;
  const rampart = async (args: string[]) => {
    const { spawn } = await import('node:child_process');
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [CLI, ...args, '--store', store], { env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '', stderr = '';
      p.stdout.on('data', (x) => (stdout += x));
      p.stderr.on('data', (x) => (stderr += x));
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  };
  beforeEach(async () => { store = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-roles-cli-')); });
  afterEach(async () => { await fs.rm(store, { recursive: true, force: true }); });

  it('a viewer (the OS user, in a store whose admin is someone else) cannot revoke; status still works', async () => {
    const me = os.userInfo().username;
    const c = await rampart(['connect', '--name', 'Prod', '--tenant', NEW.tenantId, '--client-id', NEW.clientId, '--no-sync']);
    assert.equal(c.code, 0, c.stderr);
    const list = await rampart(['roles', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`You are '${me}': admin\\.`));
    // The store changes hands: its only admin is someone else, so the OS user running the CLI is a viewer.
    const file = path.join(store, 'rampart.json');
    const data = JSON.parse(await fs.readFile(file, 'utf8')) as StoreData;
    data.roles = { admins: ['someone-else'], viewers: [me] };
    await fs.writeFile(file, JSON.stringify(data));

    const r = await rampart(['revoke', '--connection', 'Prod']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `rampart: '${me}' is a viewer of this Rampart store: revoking a connection needs an admin. Ask an admin (someone-else) to run it, or to make you one with: rampart roles add-admin ${me}`);
    const promote = await rampart(['roles', 'add-admin', me]);
    assert.equal(promote.code, 1);
    assert.match(promote.stderr, /changing roles needs an admin/);
    const org = await rampart(['org', 'create', '--name', 'Viewer Org']);
    assert.equal(org.code, 1);
    assert.match(org.stderr, /creating, changing or deleting organizations, or moving connections between them needs an admin/);
    const seal = await rampart(['credentials', 'seal', '--connection', 'Prod']);
    assert.equal(seal.code, 1);
    assert.match(seal.stderr, /changing a connection's credentials needs an admin/);
    const after = JSON.parse(await fs.readFile(file, 'utf8')) as StoreData;
    assert.equal(after.connections[0].deletedAt, undefined);
    assert.equal(after.organizations?.length ?? 0, 0);
    assert.deepEqual(after.audit.filter((x) => x.action === 'permission-denied').map((x) => [x.user, x.details.action]),
      [[me, 'revoke'], [me, 'set-role'], [me, 'organizations'], [me, 're-credential']]);
    assert.deepEqual(after.roles, { admins: ['someone-else'], viewers: [me] });
    const s = await rampart(['status']);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /Prod/);
    assert.equal((await rampart(['verify'])).code, 0);
  });
});
