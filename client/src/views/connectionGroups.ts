import * as vscode from 'vscode';
import { Organizations, type ConnectionSummary, type OrganizationNode } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import type { Command } from '../commands/manager';
import { icon } from './common';

const STATE_KEY = 'rampart.connections.groupByOrganization';
const CONTEXT_KEY = 'rampart.connectionsGrouped';

/** A group of the Connections view grouped by organization: an organization (with its subsidiaries) or "No organization". */
export type ConnectionGroupNode =
  | { kind: 'organization'; org: OrganizationNode; connections: ConnectionSummary[]; children: ConnectionGroupNode[] }
  | { kind: 'ungrouped'; connections: ConnectionSummary[] };

/**
 * Whether the Connections view groups connections by organization. Remembered per workspace; the context key
 * `rampart.connectionsGrouped` picks which of the two toggle buttons the view's title shows.
 */
export class ConnectionGrouping implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<boolean>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, this.grouped);
  }

  get grouped(): boolean {
    return this.memento.get<boolean>(STATE_KEY, false);
  }

  async set(grouped: boolean): Promise<void> {
    await this.memento.update(STATE_KEY, grouped);
    await vscode.commands.executeCommand('setContext', CONTEXT_KEY, grouped);
    this.changed.fire(grouped);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * The organization tree with each node's own connections; organizations with no connection in their subtree are
 * left out, and connections attached to none (or to an organization since deleted) go under "No organization".
 */
export async function groupConnections(ctx: Ctx, connections: ConnectionSummary[]): Promise<ConnectionGroupNode[]> {
  const roots = await ctx.request(Organizations.type, {});
  const placed = new Set<string>();
  const build = (org: OrganizationNode): ConnectionGroupNode | undefined => {
    const own = connections.filter((c) => c.organizationId === org.id);
    own.forEach((c) => placed.add(c.id));
    const children = org.children.map(build).filter((x): x is ConnectionGroupNode => !!x);
    return own.length || children.length ? { kind: 'organization', org, connections: own, children } : undefined;
  };
  const groups = roots.map(build).filter((x): x is ConnectionGroupNode => !!x);
  const rest = connections.filter((c) => !placed.has(c.id));
  return rest.length ? [...groups, { kind: 'ungrouped', connections: rest }] : groups;
}

export function groupItem(node: ConnectionGroupNode): vscode.TreeItem {
  if (node.kind === 'ungrouped') {
    const item = new vscode.TreeItem('No organization', vscode.TreeItemCollapsibleState.Expanded);
    item.id = 'group/none';
    item.description = `${node.connections.length} connection(s)`;
    item.iconPath = icon('circle-large-outline');
    item.contextValue = 'connectionGroup.none';
    item.tooltip = "Connections that publish their assets as no organization: 'Move Connection to Organization' attaches one.";
    return item;
  }
  const o = node.org;
  const item = new vscode.TreeItem(o.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `group/${o.id}`;
  item.description = `${o.grade.letter} ${o.grade.score}${o.primaryDomain ? ` · ${o.primaryDomain}` : ''}`;
  item.iconPath = icon('organization');
  item.contextValue = `connectionGroup.${o.visibility}`;
  item.tooltip = `${o.name}: grade ${o.grade.letter} (${o.grade.score}/100) over its and its subsidiaries' connections`;
  return item;
}

/** `rampart.connections.groupByOrganization`: one half of the view title's toggle; returns whether grouped. */
export class GroupByOrganizationCommand implements Command {
  readonly id = 'rampart.connections.groupByOrganization';
  constructor(private readonly grouping: ConnectionGrouping) {}
  async execute(): Promise<boolean> {
    await this.grouping.set(true);
    return this.grouping.grouped;
  }
}

/** `rampart.connections.ungroup`: the other half; returns whether grouped. */
export class UngroupConnectionsCommand implements Command {
  readonly id = 'rampart.connections.ungroup';
  constructor(private readonly grouping: ConnectionGrouping) {}
  async execute(): Promise<boolean> {
    await this.grouping.set(false);
    return this.grouping.grouped;
  }
}
