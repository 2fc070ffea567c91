import * as vscode from 'vscode';
import type { RampartTree } from './views/common';

export type RampartViewId = 'rampart.connections' | 'rampart.evidence' | 'rampart.coverage' | 'rampart.organizations';

/** One tree item as the user would see it, for tests that run inside the real editor. */
export interface ViewItemSnapshot {
  label: string;
  description?: string;
  contextValue?: string;
  tooltip?: string;
  children?: ViewItemSnapshot[];
  /** The item's theme icon and its color, e.g. `error` / `testing.iconFailed`, or `disabledForeground` when greyed. */
  icon?: { id: string; color?: string };
}

/** What `activate` returns: the real-editor tests (test/e2e) drive and observe the extension through this. */
export interface RampartApi {
  /** Resolves once the daemon has started and each view has loaded once; rejects if the daemon failed to start. */
  ready(): Promise<void>;
  /**
   * The items of a view, built by calling its real provider's getChildren/getTreeItem down to `depth` levels
   * (default 2: the roots and their children). Always fetched fresh from the daemon.
   */
  viewItems(viewId: RampartViewId, depth?: number): Promise<ViewItemSnapshot[]>;
  /** The folder the daemon keeps its store in (the extension's global storage). */
  storePath: string;
  restartDaemon(): Promise<void>;
}

/** Walks a provider the way the tree view does. */
export async function snapshot<N>(tree: RampartTree<N>, depth: number, node?: N): Promise<ViewItemSnapshot[]> {
  const children = await tree.getChildren(node);
  return Promise.all(
    children.map(async (child) => {
      const item = tree.getTreeItem(child);
      const snap: ViewItemSnapshot = { label: labelOf(item) };
      if (typeof item.description === 'string' && item.description) snap.description = item.description;
      if (item.contextValue) snap.contextValue = item.contextValue;
      const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
      if (tooltip) snap.tooltip = tooltip;
      if (item.iconPath instanceof vscode.ThemeIcon) snap.icon = { id: item.iconPath.id, color: item.iconPath.color?.id };
      const expandable = item.collapsibleState !== undefined && item.collapsibleState !== vscode.TreeItemCollapsibleState.None;
      if (expandable && depth > 1) snap.children = await snapshot(tree, depth - 1, child);
      return snap;
    }),
  );
}

function labelOf(item: vscode.TreeItem): string {
  const label = item.label;
  if (typeof label === 'string') return label;
  if (label) return label.label;
  return item.resourceUri?.path.split('/').pop() ?? '';
}
