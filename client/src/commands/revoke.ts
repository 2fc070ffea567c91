import * as vscode from 'vscode';
import { Revoke, type ConnectionSummary } from '../../../server/src/protocol';
import type { Credentials } from '../credentials';
import type { Ctx } from '../ctx';
import { UserCancelledError } from '../errors';
import type { ConnectionsNode } from '../views/connections';
import type { Command } from './manager';
import { findConnection, listConnections, pickConnection } from './pick';

/** A Connections view item, `{ connectionId, confirm: false }` (automation, tests), or nothing (pick one). */
type Arg = ConnectionsNode | { connectionId: string; confirm?: boolean } | undefined;

/**
 * `rampart.revokeConnection`: soft-delete a connection. The daemon sets deletedAt and audits it; its runs and
 * evidence stay (shown greyed) for `rampart.retentionDays`. The credential is removed from SecretStorage here, since
 * only the extension holds it.
 */
export class RevokeConnectionCommand implements Command {
  readonly id = 'rampart.revokeConnection';

  constructor(private readonly ctx: Ctx, private readonly credentials: Credentials, private readonly refresh: () => Promise<void>) {}

  async execute(arg?: Arg): Promise<ConnectionSummary> {
    const connection = await this.connectionOf(arg);
    const confirm = !(arg && 'confirm' in arg && arg.confirm === false);
    if (confirm) {
      const days = vscode.workspace.getConfiguration('rampart').get<number>('retentionDays', 365);
      const choice = await vscode.window.showWarningMessage(
        `Revoke '${connection.name}'? It will never sync again and its stored credential is deleted. Its runs, evidence and audit rows are kept for ${days} days, then pruned.`,
        { modal: true }, 'Revoke');
      if (choice !== 'Revoke') throw new UserCancelledError();
    }
    const revoked = await this.ctx.request(Revoke.type, { connectionId: connection.id });
    await this.credentials.delete(connection.id, connection.credentialKind);
    this.ctx.log.info(`Revoked '${connection.name}' (${connection.id}) and deleted its ${connection.credentialKind} from SecretStorage`);
    await this.refresh();
    return revoked;
  }

  private async connectionOf(arg: Arg): Promise<ConnectionSummary> {
    if (arg && 'kind' in arg && arg.kind === 'connection') return arg.connection;
    if (arg && 'connectionId' in arg) return findConnection(this.ctx, arg.connectionId);
    const live = (await listConnections(this.ctx)).filter((c) => !c.deletedAt);
    if (live.length === 0) throw new UserCancelledError();
    const chosen = await pickConnection(live, 'Revoke which connection?');
    if (chosen === 'all') throw new UserCancelledError();
    return chosen;
  }
}
