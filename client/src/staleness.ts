import * as vscode from 'vscode';
import { Coverage, ListConnections, type ConnectionSummary } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { errorMessage } from './errors';
import { ago } from './format';

/** Staleness is a matter of hours; checking every ten minutes is plenty and costs one small request. */
const CHECK_MS = 10 * 60_000;

/**
 * Watches for connections whose evidence went stale (no successful sync within `rampart.staleAfter`, judged by the
 * daemon) and warns once per connection until it is fresh again, with a Sync action. The status bar shows the rest.
 */
export class StaleWatcher implements vscode.Disposable {
  private readonly warned = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<ConnectionSummary[]>();
  /** The stale connections, after each check. */
  readonly onDidChange = this.changed.event;
  private current: ConnectionSummary[] = [];

  constructor(private readonly ctx: Ctx) {
    const timer = setInterval(() => void this.check(), CHECK_MS);
    this.disposables.push(
      this.changed,
      { dispose: () => clearInterval(timer) },
      ctx.onStoreChanged(() => void this.check()),
      ctx.onDidChangeState((s) => { if (s === 'running') void this.check(); }),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('rampart.staleAfter')) void this.check(); }),
    );
  }

  get stale(): readonly ConnectionSummary[] {
    return this.current;
  }

  /** Asks the daemon which connections are stale now; warns about the newly stale ones. */
  async check(): Promise<void> {
    if (this.ctx.state !== 'running') return;
    try {
      const coverage = await this.ctx.request(Coverage.type, {});
      const ids = new Set(coverage.flatMap((c) => c.staleConnections ?? []));
      const connections = ids.size ? await this.ctx.request0(ListConnections.type) : [];
      this.current = connections.filter((c) => ids.has(c.id) && !c.deletedAt);
    } catch (error) {
      this.ctx.log.debug(`Staleness check: ${errorMessage(error)}`);
      return;
    }
    for (const id of [...this.warned]) if (!this.current.some((c) => c.id === id)) this.warned.delete(id);
    for (const c of this.current) {
      if (this.warned.has(c.id)) continue;
      this.warned.add(c.id);
      const last = c.lastSyncAt ? `its last successful sync was ${ago(c.lastSyncAt, true)}` : 'it has never synced successfully';
      this.ctx.log.warn(`Evidence of '${c.name}' is stale: ${last}.`);
      void vscode.window
        .showWarningMessage(`Evidence from '${c.name}' is stale: ${last}. The controls it supports show as stale until it syncs.`, 'Sync Now')
        .then((action) => (action ? vscode.commands.executeCommand('rampart.syncNow', { connectionId: c.id }) : undefined));
    }
    this.changed.fire(this.current);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
