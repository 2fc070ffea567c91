import * as vscode from 'vscode';
import { Coverage, type ControlCoverage, type CoverageState } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { errorMessage } from '../errors';
import { ErrorNode, FAIL_ICON, PASS_ICON, RampartTree, errorItem, errorNode, icon, lines } from './common';

export type CoverageNode =
  | { kind: 'control'; coverage: ControlCoverage }
  | { kind: 'expected'; control: string; type: string; state: 'passing' | 'failing' | 'missing' }
  | ErrorNode;

/** The Control Coverage view: one item per SOC 2 control with the daemon's verdict, its expected types below. */
export class CoverageTree extends RampartTree<CoverageNode> {
  readonly viewId = 'rampart.coverage';

  constructor(private readonly ctx: Ctx) {
    super();
  }

  async getChildren(node?: CoverageNode): Promise<CoverageNode[]> {
    if (!node) {
      try {
        const controls = await this.ctx.request(Coverage.type, {});
        return controls.map((coverage) => ({ kind: 'control', coverage }));
      } catch (error) {
        this.ctx.log.warn(`Coverage view: ${errorMessage(error)}`);
        return [errorNode(error)];
      }
    }
    if (node.kind !== 'control') return [];
    const c = node.coverage;
    return c.expectedTypes.map((type) => ({
      kind: 'expected',
      control: c.control,
      type,
      state: c.passingTypes.includes(type) ? 'passing' : c.presentTypes.includes(type) ? 'failing' : 'missing',
    }));
  }

  getTreeItem(node: CoverageNode): vscode.TreeItem {
    switch (node.kind) {
      case 'control': {
        const c = node.coverage;
        const item = new vscode.TreeItem(
          `${c.control} ${c.title}`,
          c.expectedTypes.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `coverage/${c.control}`;
        item.description = `${c.state} · ${Math.round(c.percent)}%`;
        item.iconPath = stateIcon(c.state);
        item.contextValue = `coverage.${c.state}`;
        item.tooltip = lines(
          `${c.control} ${c.title}`,
          c.description,
          `Expected: ${list(c.expectedTypes)}`,
          `Present: ${list(c.presentTypes)}`,
          `Passing: ${list(c.passingTypes)}`,
          `Evidence: ${c.evidenceCount} rows, ${c.failingCount} failing`,
        );
        return item;
      }
      case 'expected': {
        const item = new vscode.TreeItem(node.type);
        item.id = `coverage/${node.control}/${node.type}`;
        item.description = node.state;
        item.iconPath = node.state === 'passing' ? PASS_ICON() : node.state === 'failing' ? FAIL_ICON() : icon('circle-slash');
        item.contextValue = `coverageType.${node.state}`;
        return item;
      }
      case 'error':
        return errorItem(node);
    }
  }
}

function stateIcon(state: CoverageState): vscode.ThemeIcon {
  switch (state) {
    case 'covered': return PASS_ICON();
    case 'partial': return icon('warning', 'list.warningForeground');
    case 'failing': return FAIL_ICON();
    case 'stale': return icon('history', 'list.warningForeground');
    case 'none': return icon('circle-slash');
  }
}

function list(types: string[]): string {
  return types.length ? types.join(', ') : 'none';
}
