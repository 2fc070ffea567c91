import * as vscode from 'vscode';
import { ListConnections, type ConnectionSummary, type RunSummary } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { ago, plural, runLabel, statusLabel } from '../format';
import { type ConnectionGroupNode, type ConnectionGrouping, groupConnections, groupItem } from './connectionGroups';
import { ErrorNode, FAIL_ICON, PASS_ICON, RampartTree, errorItem, errorNode, icon, lines, localTime } from './common';

/** Connection items carry `connection.<status>` so menus can target every connection or one status. */
export type ConnectionsNode =
  | { kind: 'connection'; connection: ConnectionSummary }
  | { kind: 'subscriptions'; connection: ConnectionSummary }
  | { kind: 'subscription'; connection: ConnectionSummary; subscription: ConnectionSummary['subscriptions'][number] }
  | { kind: 'runs'; connection: ConnectionSummary }
  | { kind: 'run'; connection: ConnectionSummary; run: RunSummary }
  | ConnectionGroupNode
  | ErrorNode;

/** The Connections view: each connection, its subscriptions and its recent runs, all from one ListConnections. */
export class ConnectionsTree extends RampartTree<ConnectionsNode> {
  readonly viewId = 'rampart.connections';

  /** With `grouping` on, connections sit under their organizations (connectionGroups.ts). */
  constructor(private readonly ctx: Ctx, private readonly grouping?: ConnectionGrouping) {
    super();
  }

  async getChildren(node?: ConnectionsNode): Promise<ConnectionsNode[]> {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'connection':
        return [
          { kind: 'subscriptions', connection: node.connection },
          { kind: 'runs', connection: node.connection },
        ];
      case 'subscriptions':
        return node.connection.subscriptions.map((subscription) => ({ kind: 'subscription', connection: node.connection, subscription }));
      case 'organization':
        return [...node.children, ...node.connections.map((connection): ConnectionsNode => ({ kind: 'connection', connection }))];
      case 'ungrouped':
        return node.connections.map((connection) => ({ kind: 'connection', connection }));
      case 'runs':
        return [...node.connection.recentRuns]
          .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
          .map((run) => ({ kind: 'run', connection: node.connection, run }));
      default:
        return [];
    }
  }

  getTreeItem(node: ConnectionsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'connection':
        return connectionItem(node.connection);
      case 'subscriptions': {
        const n = node.connection.subscriptions.length;
        const item = new vscode.TreeItem(`Subscriptions (${n})`, n ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `${node.connection.id}/subscriptions`;
        item.iconPath = icon('list-unordered');
        item.contextValue = 'subscriptions';
        if (!n) item.tooltip = 'No subscription read yet: sync this connection.';
        return item;
      }
      case 'subscription': {
        const s = node.subscription;
        const item = new vscode.TreeItem(s.name || s.id);
        item.id = `${node.connection.id}/subscription/${s.id}`;
        item.description = s.id;
        item.tooltip = lines(s.name, `Subscription ID: ${s.id}`, `State: ${s.state}`);
        item.iconPath = icon('symbol-namespace');
        item.contextValue = 'subscription';
        return item;
      }
      case 'runs': {
        const n = node.connection.recentRuns.length;
        const item = new vscode.TreeItem('Recent runs', n ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `${node.connection.id}/runs`;
        item.description = n ? undefined : 'none yet';
        item.iconPath = icon('history');
        item.contextValue = 'runs';
        return item;
      }
      case 'run':
        return runItem(node.connection, node.run);
      case 'organization':
      case 'ungrouped':
        return groupItem(node);
      case 'error':
        return errorItem(node);
    }
  }

  private async roots(): Promise<ConnectionsNode[]> {
    let connections: ConnectionSummary[];
    try {
      connections = await this.ctx.request0(ListConnections.type);
    } catch (error) {
      this.ctx.log.warn(`Connections view: ${error instanceof Error ? error.message : String(error)}`);
      return [errorNode(error)];
    }
    // Drives the viewsWelcome of all three views.
    void vscode.commands.executeCommand('setContext', 'rampart.hasConnections', connections.length > 0);
    if (this.grouping?.grouped && connections.length) {
      try {
        return await groupConnections(this.ctx, connections);
      } catch (error) {
        this.ctx.log.warn(`Connections view, grouping by organization: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return connections.map((connection) => ({ kind: 'connection', connection }));
  }
}

function connectionItem(c: ConnectionSummary): vscode.TreeItem {
  const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `connection/${c.id}`;
  item.description = !c.lastSyncAt ? statusLabel(c.status) : `${statusLabel(c.status)} · synced ${ago(c.lastSyncAt)}`;
  item.iconPath = connectionIcon(c);
  item.contextValue = `connection.${c.status}`;
  if (c.deletedAt) {
    // Revoked: history only, greyed, and no sync or credential actions (their menus match /^connection\./).
    item.description = `revoked ${localTime(c.deletedAt) ?? ''} · kept until ${localTime(c.pruneAfter) ?? '?'}`;
    item.iconPath = icon('circle-slash', 'disabledForeground');
    item.contextValue = 'revoked.connection';
  }
  const cloud = c.cloud.name === 'Custom' ? `Custom (${c.cloud.armEndpoint ?? 'no ARM endpoint'})` : c.cloud.name;
  item.tooltip = lines(
    c.description ? `${c.name}: ${c.description}` : c.name,
    `Tenant: ${c.tenantId}`,
    c.clientId && `Client ID: ${c.clientId}`,
    `Cloud: ${cloud}`,
    `Credential: ${CREDENTIAL_LABELS[c.credentialKind] ?? c.credentialKind}`,
    `Subscriptions: ${plural(c.subscriptions.length, 'subscription')}${c.managementGroup ? ` (management group ${c.managementGroup})` : ''}`,
    `Status: ${statusLabel(c.status)}`,
    `Last sync: ${localTime(c.lastSyncAt) ?? 'never'}`,
    c.statusDetail && `${c.status === 'verified' || c.status === 'awaiting-permissions' ? 'Setup' : 'Last error'}: ${c.statusDetail}`,
    c.setup?.warning && c.status !== 'verified' && `Permissions: ${c.setup.warning}`,
  );
  return item;
}

function connectionIcon(c: ConnectionSummary): vscode.ThemeIcon {
  switch (c.status) {
    case 'active': return PASS_ICON();
    case 'needs-credentials': return icon('key', 'list.warningForeground');
    case 'error': return FAIL_ICON();
    case 'never-synced': return icon('circle-large-outline');
    case 'draft': return icon('edit', 'list.warningForeground');
    case 'awaiting-permissions': return icon('shield', 'list.warningForeground');
    // Verified, but holding more than it needs: the warning colour until the extra roles are removed.
    case 'verified': return c.setup?.warning ? icon('warning', 'list.warningForeground') : icon('verified');
  }
}

function runItem(c: ConnectionSummary, run: RunSummary): vscode.TreeItem {
  const item = new vscode.TreeItem(runLabel(run));
  item.id = `${c.id}/run/${run.id}`;
  item.description = ago(run.startedAt);
  item.contextValue = `run.${run.status}`;
  item.iconPath =
    run.status === 'succeeded' && run.warnings?.length ? icon('warning', 'list.warningForeground')
    : run.status === 'succeeded' ? PASS_ICON()
    : run.status === 'failed' ? FAIL_ICON()
    : run.status === 'running' ? icon('sync~spin')
    : icon('circle-slash');
  const k = run.counts;
  item.tooltip = lines(
    `Run ${run.status}`,
    `Started: ${localTime(run.startedAt)}`,
    run.endedAt && `Ended: ${localTime(run.endedAt)}`,
    `${plural(k.subscriptions, 'subscription')}, ${plural(k.resourceGroups, 'resource group')}, ${plural(k.roleAssignments, 'role assignment')}, ${plural(k.roleDefinitions, 'role definition')}`,
    `Evidence: ${k.evidence} rows (${k.newEvidence} new)`,
    run.error && `Error: ${run.error}`,
    ...(run.warnings ?? []).map((w) => `Warning: ${w}`),
  );
  return item;
}

const CREDENTIAL_LABELS: Record<string, string> = {
  secret: 'client secret', certificate: 'certificate', 'azure-cli': 'Azure CLI (az login)', 'microsoft-account': 'Microsoft account (VS Code)',
};
