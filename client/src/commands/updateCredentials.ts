import * as vscode from 'vscode';
import { CredentialsUpdated, type ConnectionSummary, type RunSummary } from '../../../server/src/protocol';
import type { Credentials } from '../credentials';
import type { Ctx } from '../ctx';
import { UserCancelledError } from '../errors';
import type { SyncRunner } from '../sync';
import type { ConnectionsNode } from '../views/connections';
import { readCertificatePem } from './certificatePem';
import type { Command } from './manager';
import { showInfo } from '../notify';
import { signInAccount } from '../signIn';
import { findConnection, listConnections, pickConnection } from './pick';

/** The argument forms: a Connections view item, `{ connectionId }` (error actions), or `{ connectionId, secret }` (automation). */
type Arg = ConnectionsNode | { connectionId: string; secret?: string } | undefined;

/**
 * `rampart.updateCredentials`: replace the stored secret (or certificate) of a connection, then sync it so the
 * user sees at once whether the new credential works.
 */
export class UpdateCredentialsCommand implements Command {
  readonly id = 'rampart.updateCredentials';

  constructor(
    private readonly ctx: Ctx,
    private readonly credentials: Credentials,
    private readonly sync: SyncRunner,
  ) {}

  async execute(arg?: Arg): Promise<RunSummary[]> {
    const connection = await this.connectionOf(arg);
    if (connection.credentialKind === 'azure-cli') {
      // Nothing to store: the Azure CLI holds the sign-in.
      showInfo(`'${connection.name}' signs in with the Azure CLI: run 'az login --tenant ${connection.tenantId}' in a terminal, then 'Rampart: Sync Now'.`);
      return [];
    }
    if (connection.credentialKind === 'microsoft-account') {
      await signInAccount(connection.cloud, connection.tenantId, this.ctx.log);
      return this.resync(connection);
    }
    const value = arg && 'secret' in arg && typeof arg.secret === 'string' ? arg.secret : await this.ask(connection);
    await this.credentials.store(connection.id, connection.credentialKind, value);
    this.ctx.log.info(`Stored a new ${connection.credentialKind} for '${connection.name}'`);
    return this.resync(connection);
  }

  private async resync(connection: ConnectionSummary): Promise<RunSummary[]> {
    // Audited as re-auth by the daemon; the connection leaves needs-credentials once the sync below succeeds.
    await this.ctx.request(CredentialsUpdated.type, { connectionId: connection.id });
    const runs = await this.sync.run({ connectionId: connection.id }, `Rampart: syncing '${connection.name}' with the new credentials`);
    await this.sync.report(runs);
    return runs;
  }

  private async connectionOf(arg: Arg): Promise<ConnectionSummary> {
    if (arg && 'kind' in arg && arg.kind === 'connection') return arg.connection;
    if (arg && 'connectionId' in arg) return findConnection(this.ctx, arg.connectionId);
    const connections = await listConnections(this.ctx);
    if (connections.length === 1) return connections[0];
    const chosen = await pickConnection(connections, 'Update the credentials of which connection?');
    if (chosen === 'all') throw new UserCancelledError();
    return chosen;
  }

  private async ask(c: ConnectionSummary): Promise<string> {
    if (c.credentialKind === 'secret') {
      const secret = await vscode.window.showInputBox({
        title: `Update Credentials: ${c.name}`,
        prompt: `New client secret for '${c.name}' (client ID ${c.clientId}); kept in the OS keychain`,
        placeHolder: 'Client secret',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Enter the client secret value (not its ID).'),
      });
      if (secret === undefined) throw new UserCancelledError('client secret');
      return secret;
    }
    const files = await vscode.window.showOpenDialog({
      title: `Certificate for '${c.name}': a PEM file with the certificate and its PKCS#8 private key`,
      canSelectMany: false,
      filters: { 'PEM files': ['pem', 'crt', 'key'], 'All files': ['*'] },
    });
    if (!files?.length) throw new UserCancelledError('certificate file');
    return readCertificatePem(files[0]);
  }
}
