import * as vscode from 'vscode';
import { Roles, type RolesView } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { errorMessage } from './errors';

/**
 * The user's role in the store (rampart/roles), asked at start, on every StoreChanged and whenever the daemon
 * (re)starts. It sets the context keys `rampart.isAdmin` and `rampart.role`; the admin-only commands are hidden
 * when `rampart.role == viewer` (package.json) — only once the role is known to be viewer, so nothing is missing from
 * the palette in the moment before the daemon answers. Hiding is a convenience: the daemon refuses a viewer's change
 * anyway, with a message the command shows. The role also shows beside the Connections view's title.
 */
export class RoleWatcher implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  private view?: vscode.TreeView<unknown>;
  current?: RolesView;

  constructor(private readonly ctx: Ctx) {
    this.subscriptions = [
      ctx.onStoreChanged(() => void this.refresh()),
      ctx.onDidChangeState(() => { if (ctx.state === 'running') void this.refresh(); }),
    ];
  }

  /** The view whose description shows the role. */
  attach(view: vscode.TreeView<unknown>): void {
    this.view = view;
    if (this.current) this.show(this.current);
  }

  async refresh(): Promise<void> {
    try {
      const roles = await this.ctx.request0(Roles.type);
      this.current = roles;
      await vscode.commands.executeCommand('setContext', 'rampart.isAdmin', roles.role === 'admin');
      await vscode.commands.executeCommand('setContext', 'rampart.role', roles.role);
      this.show(roles);
    } catch (error) {
      this.ctx.log.debug(`Role refresh: ${errorMessage(error)}`);
    }
  }

  private show(roles: RolesView): void {
    if (!this.view) return;
    this.view.description = roles.role === 'admin' ? `${roles.user}: admin` : `${roles.user}: viewer (read-only)`;
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
