/**
 * Managing organizations over the daemon protocol: an admin creates, edits, moves, attaches and deletes, each change
 * audited; a viewer is refused every change with the clear message and a permission-denied row; deleting a node
 * with subsidiaries or connections is refused and says why. `rampart verify` still passes over the resulting log.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../../server/src/protocol';
import type { StoreData } from '../../server/src/store/schema';
import { runCli } from './fixtures';
import { type TestDaemon, startDaemon } from './harness';

const NEW: P.NewConnection = { name: 'Prod', tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-2222-4333-8444-555555555555', credentialKind: 'secret', cloud: { name: 'AzureCloud' } };

describe('managing organizations over the daemon protocol', function () {
  this.timeout(30_000);
  let storeDir: string;
  let d: TestDaemon | undefined;
  const readStore = async () => JSON.parse(await fs.readFile(path.join(storeDir, 'rampart.json'), 'utf8')) as StoreData;

  beforeEach(async () => { storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-orgs-daemon-')); });
  afterEach(async () => { await d?.stop(); d = undefined; await fs.rm(storeDir, { recursive: true, force: true }); });

  it('an admin manages the tree, every change audited; deleting a node in use is refused clearly; verify passes', async () => {
    d = await startDaemon({ storeDir, user: () => 'alice' });
    const conn = await d.client.sendRequest(P.Connect.type, NEW);
    const group = await d.client.sendRequest(P.CreateOrganization.type, { name: 'Contoso, Inc.', primaryDomain: 'contoso.com', visibility: 'shared' });
    const azure = await d.client.sendRequest(P.CreateOrganization.type, { name: 'Contoso Azure', parent: group.id, description: 'Azure assets' });
    assert.equal(azure.parentId, group.id);
    assert.deepEqual(await d.client.sendRequest(P.AttachConnection.type, { connectionId: conn.id, organization: 'Contoso Azure' }), { connectionId: conn.id, organizationId: azure.id });
    const [listed] = await d.client.sendRequest(P.ListConnections.type);
    assert.equal(listed.organizationId, azure.id, 'the Connections view can group by it');
    const edited = await d.client.sendRequest(P.UpdateOrganization.type, { organization: azure.id, name: 'Contoso Azure (prod)', visibility: 'shared', description: null });
    assert.deepEqual([edited.name, edited.visibility, edited.description], ['Contoso Azure (prod)', 'shared', undefined]);
    assert.ok(d.storeChanged.filter((r) => r === 'organizations').length >= 4, 'views refresh after each change');

    const [root] = await d.client.sendRequest(P.Organizations.type, {});
    assert.deepEqual([root.name, root.children[0].name, root.children[0].connections.map((c) => c.id)], ['Contoso, Inc.', 'Contoso Azure (prod)', [conn.id]]);

    await assert.rejects(d.client.sendRequest(P.DeleteOrganization.type, { organization: group.id }),
      /Organization 'Contoso, Inc\.' still has 1 subsidiary \(Contoso Azure \(prod\)\): move or delete its subsidiaries first\./);
    await assert.rejects(d.client.sendRequest(P.DeleteOrganization.type, { organization: azure.id }),
      /Organization 'Contoso Azure \(prod\)' still has 1 connection\(s\) \(Prod\): move or delete its connections to another organization first\./);
    await assert.rejects(d.client.sendRequest(P.UpdateOrganization.type, { organization: group.id, parent: azure.id }), /one of its subsidiaries/);
    await d.client.sendRequest(P.AttachConnection.type, { connectionId: conn.id, organization: null });
    assert.equal((await d.client.sendRequest(P.DeleteOrganization.type, { organization: azure.id })).id, azure.id);
    assert.deepEqual((await d.client.sendRequest(P.Organizations.type, {})).map((n) => [n.name, n.children.length]), [['Contoso, Inc.', 0]]);

    const stored = await readStore();
    const org = stored.audit.filter((r) => r.action.startsWith('organization-'));
    assert.deepEqual(org.map((r) => [r.action, r.user]), [
      ['organization-create', 'alice'], ['organization-create', 'alice'], ['organization-attach', 'alice'],
      ['organization-update', 'alice'], ['organization-attach', 'alice'], ['organization-delete', 'alice'],
    ]);
    assert.deepEqual(org[3].details.changes, { name: { from: 'Contoso Azure', to: 'Contoso Azure (prod)' }, description: { from: 'Azure assets' }, visibility: { from: 'private', to: 'shared' } });
    assert.deepEqual(await d.client.sendRequest(P.VerifyAudit.type), { ok: true, rows: stored.audit.length });
    await d.stop();
    d = undefined;

    // The CLI's verify reads the same chain from disk.
    const verified = await runCli(['verify', '--store', storeDir]);
    assert.equal(verified.code, 0, verified.stderr);
  });

  it('a viewer is refused every organization change, with the message and an audit row; nothing changes', async () => {
    d = await startDaemon({ storeDir, user: () => 'alice' });
    const conn = await d.client.sendRequest(P.Connect.type, NEW);
    const group = await d.client.sendRequest(P.CreateOrganization.type, { name: 'Group' });
    await d.client.sendRequest(P.SetRole.type, { user: 'bob', role: 'viewer' });
    await d.stop();

    d = await startDaemon({ storeDir, user: () => 'bob' });
    const before = await readStore();
    const attempts = [
      d.client.sendRequest(P.CreateOrganization.type, { name: 'Other' }),
      d.client.sendRequest(P.UpdateOrganization.type, { organization: group.id, name: 'Renamed' }),
      d.client.sendRequest(P.DeleteOrganization.type, { organization: group.id }),
      d.client.sendRequest(P.AttachConnection.type, { connectionId: conn.id, organization: group.id }),
    ];
    for (const attempt of attempts) {
      await assert.rejects(attempt, /'bob' is a viewer of this Rampart store: creating, changing or deleting organizations, or moving connections between them needs an admin\. Ask an admin \(alice\) to run it/);
    }
    const after = await readStore();
    assert.deepEqual(after.organizations, before.organizations);
    assert.deepEqual(after.connections, before.connections);
    const added = after.audit.slice(before.audit.length);
    assert.deepEqual(added.map((r) => [r.action, r.user, r.details.action]), attempts.map(() => ['permission-denied', 'bob', 'organizations']));
    assert.equal((await d.client.sendRequest(P.Organizations.type, {}))[0].name, 'Group', 'a viewer still reads the tree');
  });

  it('the CLI manages organizations through the same core: refusals are clear, every change is audited, verify passes', async function () {
    this.timeout(120_000); // nine CLI processes, each starting node
    const cli = (...args: string[]) => runCli([...args, '--store', storeDir]);
    assert.equal((await cli('org', 'create', '--name', 'Group', '--domain', 'group.example')).code, 0);
    assert.equal((await cli('org', 'create', '--name', 'Sub', '--parent', 'Group')).code, 0);
    const refused = await cli('org', 'delete', '--organization', 'Group');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Organization 'Group' still has 1 subsidiary \(Sub\): move or delete its subsidiaries first\./);
    const bad = await cli('org', 'update', '--organization', 'Sub', '--domain', 'nope');
    assert.match(bad.stderr, /'nope' is not a domain such as contoso\.com\./);
    const moved = await cli('org', 'update', '--organization', 'Sub', '--parent', 'none', '--name', 'Subsidiary', '--visibility', 'shared');
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(moved.stdout, /Updated organization 'Subsidiary'/);
    assert.equal((await cli('org', 'delete', '--organization', 'Group')).code, 0);
    const list = JSON.parse((await cli('org', 'list', '--json')).stdout) as P.OrganizationNode[];
    assert.deepEqual(list.map((n) => [n.name, n.parentId, n.visibility]), [['Subsidiary', undefined, 'shared']]);
    const stored = await readStore();
    assert.deepEqual(stored.audit.map((r) => r.action).filter((a) => a.startsWith('organization-')),
      ['organization-create', 'organization-create', 'organization-update', 'organization-delete']);
    const verified = await cli('verify');
    assert.equal(verified.code, 0, verified.stderr);
  });
});
