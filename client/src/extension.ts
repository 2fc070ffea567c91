import * as vscode from 'vscode';
import { snapshot, type RampartApi, type RampartViewId } from './api';
import { ConnectCommand } from './commands/connect';
import { OpenDashboardCommand } from './commands/dashboard';
import { ExportEvidenceCommand } from './commands/export';
import { GenerateConnectorRoleCommand } from './commands/connectorRole';
import { CreateCertificateCommand, ResumeSetupCommand } from './commands/setup';
import { CommandManager } from './commands/manager';
import { RefreshCommand, RestartDaemonCommand, ShowLogCommand } from './commands/misc';
import { ConnectionSyncCommand, SyncNowCommand } from './commands/sync';
import { UpdateCredentialsCommand } from './commands/updateCredentials';
import { RevokeConnectionCommand } from './commands/revoke';
import { CreateOrganizationCommand, DeleteOrganizationCommand, EditOrganizationCommand, MoveConnectionCommand } from './commands/organizations';
import { ConnectionGrouping, GroupByOrganizationCommand, UngroupConnectionsCommand } from './views/connectionGroups';
import { Credentials } from './credentials';
import { Ctx } from './ctx';
import { DashboardPanel } from './dashboard/panel';
import { ActionableError, errorMessage } from './errors';
import { Log } from './log';
import { showError } from './notify';
import { EVIDENCE_SCHEME, EvidenceFileSystem, OpenEvidenceCommand } from './commands/openEvidence';
import { StaleWatcher } from './staleness';
import { RoleWatcher } from './roles';
import { StatusBar } from './statusBar';
import { SyncRunner } from './sync';
import type { RampartTree } from './views/common';
import { ConnectionsTree } from './views/connections';
import { CoverageTree } from './views/coverage';
import { EvidenceTree } from './views/evidence';
import { OrganizationsTree } from './views/organizations';

export type { RampartApi, ViewItemSnapshot } from './api';

// Only for deactivate, which VS Code calls without arguments; everything else receives its dependencies.
let current: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): RampartApi {
  const channel = vscode.window.createOutputChannel('Rampart', { log: true });
  const log = new Log(channel);
  const credentials = new Credentials(context.secrets);
  const ctx = new Ctx(context, log, credentials);
  current = ctx;
  // Disposed in reverse: the context (views, commands, client handlers) first, the channel last.
  context.subscriptions.push(channel, ctx);

  // The user's role: the rampart.isAdmin context key hides admin-only commands; the Connections view shows it.
  const roles = new RoleWatcher(ctx);
  const grouping = new ConnectionGrouping(context.workspaceState);
  ctx.pushExt(roles, grouping);
  const trees: Record<RampartViewId, RampartTree<unknown>> = {
    'rampart.connections': new ConnectionsTree(ctx, grouping),
    'rampart.evidence': new EvidenceTree(ctx),
    'rampart.coverage': new CoverageTree(ctx),
    'rampart.organizations': new OrganizationsTree(ctx),
  } as Record<RampartViewId, RampartTree<unknown>>;
  for (const tree of Object.values(trees)) {
    const view = vscode.window.createTreeView(tree.viewId, { treeDataProvider: tree, showCollapseAll: true });
    ctx.pushExt(tree, view);
    if (tree.viewId === 'rampart.connections') roles.attach(view);
  }
  const statusBar = new StatusBar(ctx);
  const staleness = new StaleWatcher(ctx);
  ctx.pushExt(statusBar, staleness, staleness.onDidChange((stale) => statusBar.setStale(stale)));
  const refreshViews = () => Object.values(trees).forEach((t) => t.refresh());
  const refresh = async () => {
    refreshViews();
    await statusBar.refresh();
  };
  ctx.pushExt(ctx.onStoreChanged(refreshViews), ctx.onDidChangeState(refreshViews), grouping.onDidChange(() => trees['rampart.connections'].refresh()));

  ctx.pushExt(vscode.workspace.registerFileSystemProvider(EVIDENCE_SCHEME, new EvidenceFileSystem(ctx), { isReadonly: true, isCaseSensitive: true }));
  const sync = new SyncRunner(ctx, statusBar);
  const dashboard = new DashboardPanel(ctx, context.extensionUri);
  ctx.pushExt(dashboard);
  const commands = new CommandManager(log);
  ctx.pushExt(commands);
  commands.register(
    new ConnectCommand(ctx, credentials, sync),
    new SyncNowCommand(ctx, sync),
    new ConnectionSyncCommand(sync),
    new UpdateCredentialsCommand(ctx, credentials, sync),
    new ShowLogCommand(log),
    new RefreshCommand(refresh),
    new RestartDaemonCommand(ctx, refresh),
    new RevokeConnectionCommand(ctx, credentials, refresh),
    new OpenEvidenceCommand(),
    new ExportEvidenceCommand(ctx),
    new OpenDashboardCommand(dashboard),
    new GenerateConnectorRoleCommand(ctx),
    new ResumeSetupCommand(ctx, credentials, sync),
    new CreateCertificateCommand(ctx, credentials),
    new CreateOrganizationCommand(ctx),
    new EditOrganizationCommand(ctx),
    new DeleteOrganizationCommand(ctx),
    new MoveConnectionCommand(ctx),
    new GroupByOrganizationCommand(grouping),
    new UngroupConnectionsCommand(grouping),
  );

  if (context.extensionMode !== vscode.ExtensionMode.Production) checkManifest(context, commands.registeredIds(), log);

  const loadAll = async () => {
    await Promise.all([...Object.values(trees).map((t) => t.getChildren()), statusBar.refresh(), roles.refresh()]);
  };
  // Activation does not wait for the daemon; `ready()` does.
  const ready = ctx.start().then(loadAll);
  void ready.catch((error: unknown) => {
    log.error('Rampart could not start', error);
    log.show();
    showError(errorMessage(error), error instanceof ActionableError ? error.actions : []);
  });

  return {
    ready: () => ready,
    viewItems: (viewId, depth = 2) => {
      const tree = trees[viewId];
      if (!tree) return Promise.reject(new Error(`Unknown view '${viewId}'`));
      return snapshot(tree, depth);
    },
    storePath: ctx.storePath,
    restartDaemon: async () => {
      await ctx.restart();
      await refresh();
    },
  };
}

/**
 * In development and tests: every command the code registers is declared in package.json and the other way
 * round. A mismatch means a palette entry that does nothing or a command no menu can reach.
 */
function checkManifest(context: vscode.ExtensionContext, registered: string[], log: Log): void {
  const declared = ((context.extension.packageJSON?.contributes?.commands ?? []) as { command: string }[]).map((c) => c.command);
  const missing = registered.filter((id) => !declared.includes(id));
  const unregistered = declared.filter((id) => !registered.includes(id));
  if (missing.length || unregistered.length) {
    log.error(`package.json and the code disagree: not declared ${JSON.stringify(missing)}, not registered ${JSON.stringify(unregistered)}`);
  }
}

export async function deactivate(): Promise<void> {
  const ctx = current;
  current = undefined;
  await ctx?.stop();
}
