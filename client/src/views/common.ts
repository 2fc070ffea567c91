import * as vscode from 'vscode';
import { DaemonNotRunningError, errorMessage } from '../errors';

/** What every Rampart tree shares: a refresh event, and the item shown in place of data when a fetch fails. */
export abstract class RampartTree<N> implements vscode.TreeDataProvider<N>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<N | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;

  abstract readonly viewId: string;
  abstract getTreeItem(node: N): vscode.TreeItem;
  abstract getChildren(node?: N): Promise<N[]>;

  /** Providers fetch on every getChildren, so a refresh is only the signal to ask again. */
  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** A node standing for a failed fetch, so the view says why it is empty instead of showing a welcome. */
export interface ErrorNode {
  kind: 'error';
  error: unknown;
}

export function errorNode(error: unknown): ErrorNode {
  return { kind: 'error', error };
}

export function errorItem(node: ErrorNode): vscode.TreeItem {
  if (node.error instanceof DaemonNotRunningError) {
    const item = new vscode.TreeItem('Rampart daemon is not running');
    item.description = 'click to restart';
    item.tooltip = errorMessage(node.error);
    item.iconPath = icon('error', 'errorForeground');
    item.contextValue = 'daemonNotRunning';
    item.command = { command: 'rampart.restartDaemon', title: 'Restart Daemon' };
    return item;
  }
  const item = new vscode.TreeItem(`Could not load: ${errorMessage(node.error)}`);
  item.tooltip = `${errorMessage(node.error)}\nClick to open the log.`;
  item.iconPath = icon('error', 'errorForeground');
  item.contextValue = 'loadError';
  item.command = { command: 'rampart.showLog', title: 'Show Log' };
  return item;
}

export function icon(id: string, color?: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export const PASS_ICON = (): vscode.ThemeIcon => icon('pass', 'testing.iconPassed');
export const FAIL_ICON = (): vscode.ThemeIcon => icon('error', 'testing.iconFailed');
export const UNKNOWN_ICON = (): vscode.ThemeIcon => icon('question', 'testing.iconQueued');

/** Tooltip lines without the empty ones. */
export function lines(...parts: (string | false | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('\n');
}

export function localTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
