/**
 * Organizations in the real editor: the commands create a parent and a subsidiary and move the connection into it
 * (no prompts: arguments); the Organizations view shows the tree with grades, the connection leaf and a hover that
 * explains the grade; the Connections view's toggle groups connections by organization and back; deleting a parent
 * with a subsidiary is refused; `rampart.connect` with an organization publishes the new connection under a new
 * parent it creates too. The organizations (and that connection) are removed again so later suites see none.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AttachConnectionResult, OrganizationView } from '../../../server/src/protocol';
import { VIEWS, connect, connectionId, emulatorConnection, flatten, note, readStore, sampleApp, state, viewItems } from './helpers';

export function registerOrganizationTests(): void {
  describe('organizations', () => {
    let group: OrganizationView | undefined;
    let azure: OrganizationView | undefined;
    const published: { connectionId?: string; orgs: string[] } = { orgs: [] };
    after(async () => {
      if (published.connectionId) await vscode.commands.executeCommand('rampart.revokeConnection', { connectionId: published.connectionId, confirm: false });
      for (const name of published.orgs) await vscode.commands.executeCommand('rampart.deleteOrganization', { organization: name, confirm: false });
      // Leave the store as the earlier suites had it (no organizations), whatever failed above.
      await vscode.commands.executeCommand('rampart.connections.ungroup');
      await vscode.commands.executeCommand('rampart.moveConnectionToOrganization', { connectionId: connectionId(), organization: null });
      for (const o of [azure, group]) if (o) await vscode.commands.executeCommand('rampart.deleteOrganization', { organization: o.id, confirm: false });
    });

    it('creates a parent and a subsidiary and moves the connection into it; the view shows grades and explains them', async () => {
      group = await vscode.commands.executeCommand<OrganizationView>('rampart.createOrganization', { name: 'E2E Group', primaryDomain: 'contoso.example', visibility: 'shared' });
      assert.ok(group?.id, 'rampart.createOrganization returned the organization (else it failed: see the Rampart log)');
      azure = await vscode.commands.executeCommand<OrganizationView>('rampart.createOrganization', { name: 'E2E Azure', parent: group.id });
      assert.equal(azure?.parentId, group.id);
      const moved = await vscode.commands.executeCommand<AttachConnectionResult>('rampart.moveConnectionToOrganization', { connectionId: connectionId(), organization: azure.id });
      assert.deepEqual(moved, { connectionId: connectionId(), organizationId: azure.id });

      const [root] = await viewItems(VIEWS.organizations, 4);
      assert.equal(root.label, 'E2E Group');
      assert.equal(root.contextValue, 'organization.shared');
      assert.match(root.description ?? '', /^[A-F] \d+ · coverage \d+%$/);
      const sub = root.children?.find((c) => c.label === 'E2E Azure');
      assert.ok(sub, 'the subsidiary under its parent');
      assert.equal(sub.description, root.description, 'the parent rolls up its only child');
      const leaf = sub.children?.find((c) => c.contextValue === 'organization.connection');
      assert.equal(leaf?.label, state.connection!.name, 'the connection under the organization it publishes as');
      assert.match(sub.tooltip ?? '', /Grade [A-F] \(\d+\/100, weighted by SOC 2 controls\)/);
      note(`hover: ${(sub.tooltip ?? '').split('\n').slice(0, 6).join(' | ')}`);
      const score = Number(/\((\d+)\/100/.exec(sub.tooltip ?? '')![1]);
      if (score < 100) assert.match(sub.tooltip ?? '', /Points lost, largest first:\n {2}−\d+ /, 'the hover lists which findings cost how many points');

      const audit = ((await readStore()).audit as { action: string }[]).map((r) => r.action).filter((a) => a.startsWith('organization-'));
      assert.deepEqual(audit.slice(-3), ['organization-create', 'organization-create', 'organization-attach']);
    });

    it('the Connections view groups by organization and back', async () => {
      assert.equal(await vscode.commands.executeCommand('rampart.connections.groupByOrganization'), true);
      const grouped = await viewItems(VIEWS.connections, 3);
      const root = grouped.find((i) => i.label === 'E2E Group');
      assert.ok(root, `grouped roots: ${grouped.map((i) => i.label).join(', ')}`);
      const sub = root.children?.find((c) => c.label === 'E2E Azure');
      assert.ok(sub?.children?.some((c) => c.label === state.connection!.name && /^connection\./.test(c.contextValue ?? '')), 'the connection under its organization');
      assert.equal(await vscode.commands.executeCommand('rampart.connections.ungroup'), false);
      const flat = await viewItems(VIEWS.connections, 1);
      assert.ok(flat.some((i) => i.label === state.connection!.name) && !flat.some((i) => i.label === 'E2E Group'), 'flat again');
    });

    it('deleting a parent that has a subsidiary is refused and changes nothing', async () => {
      const result = await vscode.commands.executeCommand('rampart.deleteOrganization', { organization: group!.id, confirm: false });
      assert.equal(result, undefined, 'the command failed');
      const names = flatten(await viewItems(VIEWS.organizations, 3)).map((i) => i.label);
      assert.ok(names.includes('E2E Group') && names.includes('E2E Azure'));
    });

    it('Connect publishes the new connection as an organization, under a new parent it creates first', async () => {
      published.orgs = ['E2E Published Azure', 'E2E New Parent'];
      const r = await connect({ ...emulatorConnection('E2E Published'), subscriptions: [] }, sampleApp().secret, {
        organization: { name: 'E2E Published Azure', primaryDomain: 'published.example', visibility: 'private' }, newParent: 'E2E New Parent',
      });
      published.connectionId = r.connection.id;
      assert.equal(r.runs[0]?.status, 'succeeded', r.runs[0]?.error);
      const tree = await viewItems(VIEWS.organizations, 4);
      const parent = tree.find((i) => i.label === 'E2E New Parent');
      const child = parent?.children?.find((c) => c.label === 'E2E Published Azure');
      assert.ok(child?.children?.some((c) => c.label === 'E2E Published' && c.contextValue === 'organization.connection'), 'the connection under its new organization');
      assert.match(child?.tooltip ?? '', /E2E Published Azure \(published\.example\) · private/);
    });
  });
}
