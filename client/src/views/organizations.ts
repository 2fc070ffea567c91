import * as vscode from 'vscode';
import { Organizations, type OrganizationNode } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { errorMessage } from '../errors';
import { ErrorNode, RampartTree, errorItem, errorNode, icon, lines } from './common';

/** An organization, or one of its own connections (`organization.connection`, for Move Connection to Organization). */
export type OrgTreeNode =
  | { kind: 'org'; org: OrganizationNode }
  | { kind: 'connection'; org: OrganizationNode; connection: { id: string; name: string } }
  | ErrorNode;

const FRAMEWORK_NAMES: Record<string, string> = { soc2: 'SOC 2', iso27001: 'ISO/IEC 27001:2022' };

/** Deductions shown in a node's hover. */
const TOP_DEDUCTIONS = 5;

/**
 * The Organizations view: the tree of organizations (a parent and its subsidiaries), each with its posture grade and
 * coverage rolled up from its own and its descendants' connections; the hover explains the grade.
 */
export class OrganizationsTree extends RampartTree<OrgTreeNode> {
  readonly viewId = 'rampart.organizations';

  constructor(private readonly ctx: Ctx) {
    super();
  }

  async getChildren(node?: OrgTreeNode): Promise<OrgTreeNode[]> {
    if (!node) {
      try {
        const roots = await this.ctx.request(Organizations.type, {});
        return roots.map((org) => ({ kind: 'org', org }));
      } catch (error) {
        this.ctx.log.warn(`Organizations view: ${errorMessage(error)}`);
        return [errorNode(error)];
      }
    }
    if (node.kind !== 'org') return [];
    return [
      ...node.org.children.map((org): OrgTreeNode => ({ kind: 'org', org })),
      ...node.org.connections.map((connection): OrgTreeNode => ({ kind: 'connection', org: node.org, connection })),
    ];
  }

  getTreeItem(node: OrgTreeNode): vscode.TreeItem {
    if (node.kind === 'error') return errorItem(node);
    if (node.kind === 'connection') {
      const leaf = new vscode.TreeItem(node.connection.name);
      leaf.id = `organization/${node.org.id}/connection/${node.connection.id}`;
      leaf.description = 'connection';
      leaf.iconPath = icon('plug');
      leaf.contextValue = 'organization.connection';
      leaf.tooltip = `'${node.connection.name}' publishes its Azure assets as ${node.org.name}.`;
      return leaf;
    }
    const o = node.org;
    const expandable = o.children.length > 0 || o.connections.length > 0;
    const item = new vscode.TreeItem(o.name, expandable ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = `organization/${o.id}`;
    item.description = `${o.grade.letter} ${o.grade.score} · coverage ${o.coveragePercent}%`;
    item.iconPath = gradeIcon(o.grade.letter);
    item.contextValue = `organization.${o.visibility}`;
    const top = o.grade.deductions.slice(0, TOP_DEDUCTIONS);
    item.tooltip = lines(
      `${o.name}${o.primaryDomain ? ` (${o.primaryDomain})` : ''} · ${o.visibility}`,
      o.description,
      `Grade ${o.grade.letter} (${o.grade.score}/100, weighted by ${FRAMEWORK_NAMES[o.grade.framework] ?? o.grade.framework} controls) · coverage ${o.coveragePercent}% · ${o.grade.findings} finding(s)`,
      o.grade.inGrace > 0 && `${o.grade.inGrace} finding(s) of new assets in their grace period do not count`,
      o.connections.length > 0 && `Connections: ${o.connections.map((c) => c.name).join(', ')}`,
      top.length > 0 && 'Points lost, largest first:',
      ...top.map((d) => `  −${d.points} ${d.control} (${d.severity}) ${d.finding}`),
      o.grade.deductions.length > top.length && `  … ${o.grade.deductions.length - top.length} more (rampart grade --organization "${o.name}" --explain)`,
      o.history.length > 1 && `History: ${o.history.slice(-5).map((h) => h.score).join(' → ')}`,
    );
    return item;
  }
}

function gradeIcon(letter: string): vscode.ThemeIcon {
  return letter === 'A' || letter === 'B' ? icon('organization', 'testing.iconPassed')
    : letter === 'C' ? icon('organization', 'testing.iconQueued') : icon('organization', 'testing.iconFailed');
}
