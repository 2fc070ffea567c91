import * as vscode from 'vscode';
import {
  CreateCertificate, DeleteUnfinished, ListConnections, VerifyConnection, type ConnectionStatus, type ConnectionSummary, type RunSummary,
} from '../../../server/src/protocol';
import type { Credentials } from '../credentials';
import type { Ctx } from '../ctx';
import { ActionableError, UserCancelledError, type ErrorAction } from '../errors';
import { showError, showInfo } from '../notify';
import type { SyncRunner } from '../sync';
import type { ConnectionsNode } from '../views/connections';
import type { Command } from './manager';
import { findConnection, pickConnection } from './pick';

/** Statuses of a connection whose setup has not finished: it has never synced successfully. */
export const UNFINISHED: readonly ConnectionStatus[] = ['draft', 'awaiting-permissions', 'verified', 'never-synced'];

/** A warning notification with actions (not awaited: commands return while it is shown). */
function showWarning(message: string, actions: ErrorAction[]): void {
  void vscode.window.showWarningMessage(message, ...actions.map((a) => a.title)).then((choice) => {
    const action = actions.find((a) => a.title === choice);
    if (action) void vscode.commands.executeCommand(action.command, ...(action.args ?? []));
  });
}

async function showSteps(title: string, body: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `# ${title}\n\n\`\`\`sh\n${body}\n\`\`\`\n` });
  await vscode.window.showTextDocument(doc, { preview: true });
}

/**
 * What verification found, told to the user. Returns whether the connection may sync now: verified (with a warning
 * when it holds more than it needs) yes; awaiting permissions or a draft no.
 */
export function reportVerification(ctx: Ctx, c: ConnectionSummary): boolean {
  const resume: ErrorAction = { title: 'Resume Setup', command: 'rampart.resumeConnectionSetup', args: [{ connectionId: c.id }] };
  if (c.status === 'awaiting-permissions') {
    ctx.log.info(`Setup of '${c.name}': ${c.statusDetail ?? 'awaiting permissions'}`);
    showWarning(`'${c.name}' signed in but cannot read anything yet. Assign the connector Reader and Security Reader (commands in the log), then resume the setup.`,
      [resume, { title: 'Show Log', command: 'rampart.showLog' }]);
    return false;
  }
  if (c.status === 'draft') {
    showError(`Setup of '${c.name}' is not finished: ${c.statusDetail ?? 'verification failed'}`,
      [{ title: 'Update Credentials', command: 'rampart.updateCredentials', args: [{ connectionId: c.id }] }, resume]);
    return false;
  }
  if (c.setup?.warning) {
    ctx.log.warn(`Setup of '${c.name}': ${c.setup.warning}`);
    showWarning(`'${c.name}' holds more access than it needs: ${[...new Set(c.setup.roles.filter((r) => r.excess).map((r) => r.roleName))].join(', ')}. ` +
      'Rampart only reads: Reader and Security Reader, or the least-privilege role, are enough.',
      [{ title: 'Generate Least-Privilege Role', command: 'rampart.generateConnectorRole', args: [{ kind: 'connection', connection: c }] },
        { title: 'Show Log', command: 'rampart.showLog' }]);
  }
  return true;
}

type ResumeArg = ConnectionsNode | { connectionId: string; action?: 'resume' | 'delete'; confirm?: boolean } | undefined;

/**
 * `rampart.resumeConnectionSetup`: pick an unfinished connection (draft, awaiting permissions, verified), then
 * resume it (verify again; once verified, the first sync) or delete it with its stored credential.
 */
export class ResumeSetupCommand implements Command {
  readonly id = 'rampart.resumeConnectionSetup';

  constructor(private readonly ctx: Ctx, private readonly credentials: Credentials, private readonly sync: SyncRunner) {}

  async execute(arg?: ResumeArg): Promise<{ connection: ConnectionSummary; runs: RunSummary[]; deleted?: boolean }> {
    const connection = await this.connectionOf(arg);
    const action = arg && 'action' in arg && arg.action ? arg.action : arg && 'connectionId' in arg ? 'resume' : await this.askAction(connection);
    if (action === 'delete') {
      if (!(arg && 'confirm' in arg && arg.confirm === false)) {
        const choice = await vscode.window.showWarningMessage(`Delete the unfinished connection '${connection.name}' and its stored credential?`, { modal: true }, 'Delete');
        if (choice !== 'Delete') throw new UserCancelledError();
      }
      const deleted = await this.ctx.request(DeleteUnfinished.type, { connectionId: connection.id });
      await this.credentials.delete(connection.id, 'secret');
      await this.credentials.delete(connection.id, 'certificate');
      this.ctx.log.info(`Deleted the unfinished connection '${connection.name}' (${connection.id})`);
      return { connection: deleted, runs: [], deleted: true };
    }
    const verified = await this.ctx.request(VerifyConnection.type, { connectionId: connection.id });
    if (!reportVerification(this.ctx, verified)) {
      if (verified.status === 'awaiting-permissions' && !(arg && 'connectionId' in arg)) await showSteps(`Permissions for '${verified.name}'`, verified.setup?.commands.join('\n') ?? '');
      return { connection: verified, runs: [] };
    }
    const runs = await this.sync.run({ connectionId: verified.id }, `Rampart: first sync of '${verified.name}'`);
    await this.sync.report(runs);
    const now = (await this.sync.connectionsById()).get(verified.id) ?? verified;
    return { connection: now, runs };
  }

  private async connectionOf(arg: ResumeArg): Promise<ConnectionSummary> {
    if (arg && 'kind' in arg && arg.kind === 'connection') return arg.connection;
    if (arg && 'connectionId' in arg) return findConnection(this.ctx, arg.connectionId);
    const unfinished = (await this.ctx.request0(ListConnections.type)).filter((c) => !c.deletedAt && UNFINISHED.includes(c.status));
    if (unfinished.length === 0) {
      showInfo('Every connection has finished its setup: nothing to resume.');
      throw new UserCancelledError();
    }
    if (unfinished.length === 1) return unfinished[0];
    const chosen = await pickConnection(unfinished, 'Resume the setup of which connection?');
    if (chosen === 'all') throw new UserCancelledError();
    return chosen;
  }

  private async askAction(c: ConnectionSummary): Promise<'resume' | 'delete'> {
    const items: (vscode.QuickPickItem & { action: 'resume' | 'delete' })[] = [
      { label: 'Resume setup', detail: 'Sign in, check the connector\'s role assignments, then run the first sync', action: 'resume' },
      { label: 'Delete this connection', detail: 'Remove it and its stored credential (it has never synced)', action: 'delete' },
    ];
    const chosen = await vscode.window.showQuickPick(items, { placeHolder: `'${c.name}': ${c.statusDetail?.split('\n')[0] ?? c.status}`, ignoreFocusOut: true });
    if (!chosen) throw new UserCancelledError('setup action');
    return chosen.action;
  }
}

type CertArg = ConnectionsNode | { connectionId: string; file?: string } | undefined;

/**
 * `rampart.createCertificateCredential`: the daemon generates an RSA 2048 key pair and a self-signed certificate
 * (CN = the connection's name, one year); the private PEM (certificate + PKCS#8 key) goes to SecretStorage, the
 * public certificate to the file the user chooses, and the steps (az commands included) are shown.
 */
export class CreateCertificateCommand implements Command {
  readonly id = 'rampart.createCertificateCredential';

  constructor(private readonly ctx: Ctx, private readonly credentials: Credentials) {}

  async execute(arg?: CertArg): Promise<{ file: string; thumbprint: string; notAfter: string; instructions: string; connection: ConnectionSummary }> {
    const connection = await this.connectionOf(arg);
    const given = arg && 'file' in arg && arg.file ? vscode.Uri.file(arg.file) : undefined;
    const target = given ?? await this.askFile(connection);
    const name = target.path.split('/').pop() ?? 'rampart-connector.cer';
    const r = await this.ctx.request(CreateCertificate.type, { connectionId: connection.id, file: name });
    await this.credentials.store(connection.id, 'certificate', r.pem);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(r.certificatePem));
    this.ctx.log.info(`Created a certificate for '${connection.name}' (thumbprint ${r.thumbprint}); public certificate written to ${target.fsPath}; private key kept in SecretStorage\n${r.instructions}`);
    if (!given) {
      await showSteps(`Certificate credential for '${connection.name}'`, r.instructions.replace(`@${name}`, `@${target.fsPath}`));
      showInfo(`Certificate for '${connection.name}' created: upload ${name} to the app registration (steps shown), then sync.`);
    }
    return { file: target.fsPath, thumbprint: r.thumbprint, notAfter: r.notAfter, instructions: r.instructions, connection: r.connection };
  }

  private async connectionOf(arg: CertArg): Promise<ConnectionSummary> {
    if (arg && 'kind' in arg && arg.kind === 'connection') return arg.connection;
    if (arg && 'connectionId' in arg) return findConnection(this.ctx, arg.connectionId);
    const live = (await this.ctx.request0(ListConnections.type)).filter((c) => !c.deletedAt);
    if (live.length === 0) throw new ActionableError("No Azure connection yet: run 'Rampart: Connect to Azure...' first.", [{ title: 'Connect to Azure...', command: 'rampart.connect' }]);
    if (live.length === 1) return live[0];
    const chosen = await pickConnection(live, 'Create a certificate credential for which connection?');
    if (chosen === 'all') throw new UserCancelledError();
    return chosen;
  }

  private async askFile(c: ConnectionSummary): Promise<vscode.Uri> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const base = `${c.name.replace(/[^A-Za-z0-9._-]+/g, '-')}.cer`;
    const uri = await vscode.window.showSaveDialog({
      title: `Save the public certificate of '${c.name}' (to upload to the app registration)`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, base) : undefined,
      filters: { 'Certificates': ['cer', 'pem', 'crt'] },
    });
    if (!uri) throw new UserCancelledError('certificate file');
    return uri;
  }
}
