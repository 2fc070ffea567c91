import * as vscode from 'vscode';
import {
  EvidenceRows,
  EvidenceSummary,
  type ControlEvidenceSummary,
  type EvidenceRowView,
  type EvidenceTypeSummary,
} from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { errorMessage } from '../errors';
import { ErrorNode, FAIL_ICON, PASS_ICON, RampartTree, UNKNOWN_ICON, errorItem, errorNode, icon, lines, localTime } from './common';

/** A tree cannot page, so an evidence type shows its first rows and says how many are left out. */
const ROW_LIMIT = 500;

export type EvidenceNode =
  | { kind: 'control'; control: ControlEvidenceSummary }
  | { kind: 'type'; control: string; type: EvidenceTypeSummary }
  | { kind: 'row'; control: string; row: EvidenceRowView }
  | { kind: 'more'; control: string; type: EvidenceTypeSummary; shown: number }
  | ErrorNode;

/** The Evidence view: SOC 2 control → evidence type → rows. Rows are fetched only when a type is expanded. */
export class EvidenceTree extends RampartTree<EvidenceNode> {
  readonly viewId = 'rampart.evidence';

  constructor(private readonly ctx: Ctx) {
    super();
  }

  async getChildren(node?: EvidenceNode): Promise<EvidenceNode[]> {
    if (!node) {
      try {
        // Revoked connections' rows too: history in their retention window, shown greyed.
        const controls = await this.ctx.request(EvidenceSummary.type, { includeRevoked: true });
        return controls.map((control) => ({ kind: 'control', control }));
      } catch (error) {
        this.ctx.log.warn(`Evidence view: ${errorMessage(error)}`);
        return [errorNode(error)];
      }
    }
    if (node.kind === 'control') {
      return node.control.types.map((type) => ({ kind: 'type', control: node.control.control, type }));
    }
    if (node.kind === 'type') {
      try {
        const rows = await this.ctx.request(EvidenceRows.type, { control: node.control, type: node.type.type, limit: ROW_LIMIT, includeRevoked: true });
        const nodes: EvidenceNode[] = rows.map((row) => ({ kind: 'row', control: node.control, row }));
        if (rows.length >= ROW_LIMIT && node.type.count > rows.length) {
          nodes.push({ kind: 'more', control: node.control, type: node.type, shown: rows.length });
        }
        return nodes;
      } catch (error) {
        this.ctx.log.warn(`Evidence view (${node.control}/${node.type.type}): ${errorMessage(error)}`);
        return [errorNode(error)];
      }
    }
    return [];
  }

  getTreeItem(node: EvidenceNode): vscode.TreeItem {
    switch (node.kind) {
      case 'control': {
        const c = node.control;
        const item = new vscode.TreeItem(c.control, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `evidence/${c.control}`;
        item.description = c.title;
        const failing = c.types.reduce((n, t) => n + t.failing, 0);
        const rows = c.types.reduce((n, t) => n + t.count, 0);
        item.tooltip = lines(`${c.control} ${c.title}`, `${rows} rows in ${c.types.length} evidence types`, failing > 0 && `${failing} failing`);
        item.iconPath = failing > 0 ? icon('shield', 'testing.iconFailed') : icon('shield');
        item.contextValue = 'evidenceControl';
        return item;
      }
      case 'type': {
        const t = node.type;
        const item = new vscode.TreeItem(t.title, t.count ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `evidence/${node.control}/${t.type}`;
        item.description = typeDescription(t);
        item.tooltip = lines(t.title, `Type: ${t.type}`, typeDescription(t));
        item.iconPath = t.failing > 0 ? FAIL_ICON() : t.unknown > 0 || t.count === 0 ? UNKNOWN_ICON() : PASS_ICON();
        item.contextValue = 'evidenceType';
        return item;
      }
      case 'row': {
        const r = node.row;
        const item = new vscode.TreeItem(r.label);
        item.id = `evidence/${node.control}/${r.type}/${r.id}`;
        // A revoked connection's row is history, kept for the retention window: greyed, as Connections shows it.
        item.description = r.revoked ? `${r.status} (revoked)` : r.status;
        item.iconPath = r.revoked ? icon(STATUS_ICONS[r.status], 'disabledForeground')
          : r.status === 'pass' ? PASS_ICON() : r.status === 'fail' ? FAIL_ICON() : UNKNOWN_ICON();
        item.tooltip = lines(
          r.revoked && 'From a revoked connection: history, kept until the retention window ends.',
          r.reason,
          `Subject: ${r.subject}`,
          r.subscriptionId && `Subscription: ${r.subscriptionId}`,
          `Tenant: ${r.tenantId}`,
          `Observed: ${localTime(r.observedAt)}`,
          `Last seen: ${localTime(r.lastSeenAt)}`,
          r.controls.length > 0 && `Controls: ${r.controls.join(', ')}`,
        );
        item.contextValue = r.revoked ? `evidenceRow.revoked.${r.status}` : `evidenceRow.${r.status}`;
        item.command = { command: 'rampart.evidence.open', title: 'Open Evidence Row', arguments: [{ id: r.id, label: r.label }] };
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(`${node.type.count - node.shown} more rows not shown`);
        item.description = `first ${node.shown} of ${node.type.count}`;
        item.iconPath = icon('ellipsis');
        item.contextValue = 'evidenceMore';
        return item;
      }
      case 'error':
        return errorItem(node);
    }
  }
}

/** The status icons' shapes (PASS_ICON, FAIL_ICON, UNKNOWN_ICON), for a greyed row. */
const STATUS_ICONS = { pass: 'pass', fail: 'error', unknown: 'question' } as const;

/** "57 rows · 3 failing · 2 unknown · 10 revoked". */
function typeDescription(t: EvidenceTypeSummary): string {
  const parts = [`${t.count} ${t.count === 1 ? 'row' : 'rows'}`];
  if (t.failing) parts.push(`${t.failing} failing`);
  if (t.unknown) parts.push(`${t.unknown} unknown`);
  if (t.revoked) parts.push(`${t.revoked} revoked`);
  return parts.join(' · ');
}
