import * as vscode from 'vscode';
import { ConnectorRole, ListConnections, type ConnectionSummary, type ConnectorRoleResult } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { UserCancelledError } from '../errors';
import type { ConnectionsNode } from '../views/connections';
import type { Command } from './manager';
import { findConnection, pickConnection } from './pick';

/** A Connections view item, `{ connectionId?, file? }` (automation, tests: no prompts), or nothing (pick, then save). */
type Arg = ConnectionsNode | { connectionId?: string; file?: string } | undefined;

/**
 * `rampart.generateConnectorRole`: writes the least-privilege custom role for a connector (exactly the read
 * operations the collectors call, scoped to the connection's subscriptions or a placeholder) in the shape
 * `az role definition create` takes, opens it, and shows the az commands that create and assign it.
 */
export class GenerateConnectorRoleCommand implements Command {
  readonly id = 'rampart.generateConnectorRole';

  constructor(private readonly ctx: Ctx) {}

  async execute(arg?: Arg): Promise<{ file: string; result: ConnectorRoleResult }> {
    const connection = await this.connectionOf(arg);
    const target = arg && 'file' in arg && arg.file ? vscode.Uri.file(arg.file) : await this.askFile();
    const name = target.path.split('/').pop() ?? 'rampart-connector-role.json';
    const result = await this.ctx.request(ConnectorRole.type, { connectionId: connection?.id, file: name });
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.json));
    this.ctx.log.info(`Wrote the least-privilege connector role to ${target.fsPath}\n${result.instructions}`);
    const interactive = !(arg && 'file' in arg && arg.file);
    if (interactive) {
      await vscode.window.showTextDocument(target, { preview: false });
      const steps = await vscode.workspace.openTextDocument({ language: 'markdown', content: `# Least-privilege role for the connector\n\n\`\`\`sh\n${result.instructions}\n\`\`\`\n` });
      await vscode.window.showTextDocument(steps, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
    return { file: target.fsPath, result };
  }

  private async connectionOf(arg: Arg): Promise<ConnectionSummary | undefined> {
    if (arg && 'kind' in arg && arg.kind === 'connection') return arg.connection;
    if (arg && 'connectionId' in arg) return arg.connectionId ? findConnection(this.ctx, arg.connectionId) : undefined;
    if (arg && 'file' in arg) return undefined;
    const live = (await this.ctx.request0(ListConnections.type)).filter((c) => !c.deletedAt);
    if (live.length === 0) return undefined;
    if (live.length === 1) return live[0];
    const chosen = await pickConnection(live, 'Scope the role to the subscriptions of which connection?', 'No connection (placeholder scope)');
    return chosen === 'all' ? undefined : chosen;
  }

  private async askFile(): Promise<vscode.Uri> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      title: 'Save the least-privilege connector role',
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'rampart-connector-role.json') : undefined,
      filters: { JSON: ['json'] },
    });
    if (!uri) throw new UserCancelledError('role file');
    return uri;
  }
}
