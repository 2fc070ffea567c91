import * as vscode from 'vscode';
import { ListConnections, Status, type ConnectionSummary, type SyncProgress } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { errorMessage } from './errors';
import { ago, plural } from './format';

/** Relative times ("synced 5m ago") go stale; re-render this often. */
const TICK_MS = 30_000;

/**
 * "$(shield) Rampart" plus the one thing worth knowing: never synced, synced 5m ago, syncing 2/5, sync failed, or
 * daemon stopped. Clicking does the obvious next step (sync, show log, restart).
 */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('rampart.status', vscode.StatusBarAlignment.Left, 0);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private readonly progress = new Map<string, SyncProgress>();
  private syncsInFlight = 0;
  private connections: ConnectionSummary[] | undefined;
  private stale: readonly ConnectionSummary[] = [];

  constructor(private readonly ctx: Ctx) {
    this.item.name = 'Rampart';
    const timer = setInterval(() => this.render(), TICK_MS);
    this.disposables.push(
      { dispose: () => clearInterval(timer) },
      ctx.onSyncProgress((p) => this.onProgress(p)),
      ctx.onStoreChanged(() => void this.refresh()),
      ctx.onDidChangeState(() => void this.refresh()),
    );
    this.render();
    this.item.show();
  }

  /** Connections whose evidence is stale (from the StaleWatcher). */
  setStale(stale: readonly ConnectionSummary[]): void {
    this.stale = stale;
    this.render();
  }

  /** Called by the sync runner around each Sync request, so a sync without progress still shows as running. */
  syncStarted(): void {
    this.syncsInFlight++;
    this.render();
  }

  syncEnded(): void {
    this.syncsInFlight = Math.max(0, this.syncsInFlight - 1);
    if (this.syncsInFlight === 0) this.progress.clear();
    void this.refresh();
  }

  /** Re-reads the connections (last sync, failures) and prunes progress of runs the daemon no longer runs. */
  async refresh(): Promise<void> {
    if (this.ctx.state !== 'running') {
      this.render();
      return;
    }
    try {
      this.connections = await this.ctx.request0(ListConnections.type);
      if (this.progress.size > 0) {
        const running = new Set((await this.ctx.request0(Status.type)).runningSyncs);
        for (const [runId, p] of this.progress) {
          if (!running.has(runId) && !running.has(p.connectionId)) this.progress.delete(runId);
        }
      }
    } catch (error) {
      this.ctx.log.debug(`Status bar refresh: ${errorMessage(error)}`);
    }
    this.render();
  }

  private onProgress(p: SyncProgress): void {
    if (p.total > 0 && p.done >= p.total) this.progress.delete(p.runId);
    else this.progress.set(p.runId, p);
    this.render();
  }

  private render(): void {
    const item = this.item;
    const state = this.ctx.state;
    if (state === 'failed' || state === 'stopped') {
      item.text = '$(shield) Rampart $(error) daemon stopped';
      item.tooltip = 'The Rampart daemon is not running. Click to restart it.';
      item.command = 'rampart.restartDaemon';
      return;
    }
    if (state === 'starting') {
      item.text = '$(shield) Rampart $(loading~spin) starting';
      item.tooltip = 'The Rampart daemon is starting.';
      item.command = 'rampart.showLog';
      return;
    }
    if (this.progress.size > 0 || this.syncsInFlight > 0) {
      const all = [...this.progress.values()];
      const done = all.reduce((n, p) => n + p.done, 0);
      const total = all.reduce((n, p) => n + p.total, 0);
      item.text = `$(shield) Rampart $(sync~spin) syncing${total > 0 ? ` ${done}/${total}` : ''}`;
      item.tooltip = all.length ? all.map((p) => `${p.connectionName}: ${p.message}`).join('\n') : 'Syncing';
      item.command = 'rampart.showLog';
      return;
    }
    const connections = this.connections ?? [];
    const failed = connections.filter((c) => c.status === 'error' || c.status === 'needs-credentials');
    const lastSync = connections.map((c) => c.lastSyncAt).filter((t): t is string => !!t).sort().at(-1);
    if (failed.length > 0) {
      item.text = '$(shield) Rampart $(warning) sync failed';
      item.tooltip = failed.map((c) => `${c.name}: ${c.statusDetail ?? c.status}`).join('\n') + '\nClick to open the log.';
      item.command = 'rampart.showLog';
    } else if (this.stale.length > 0) {
      item.text = '$(shield) Rampart $(history) evidence stale';
      item.tooltip = this.stale.map((c) => `${c.name}: last synced ${c.lastSyncAt ? ago(c.lastSyncAt, true) : 'never'}`).join('\n') + '\nClick to sync now.';
      item.command = 'rampart.syncNow';
    } else if (lastSync) {
      item.text = `$(shield) Rampart: synced ${ago(lastSync, true)}`;
      item.tooltip = `${plural(connections.length, 'connection')}, last synced ${new Date(lastSync).toLocaleString()}. Click to sync now.`;
      item.command = 'rampart.syncNow';
    } else {
      item.text = '$(shield) Rampart: never synced';
      item.tooltip = connections.length ? 'Click to sync now.' : 'No Azure connection yet. Click to connect.';
      item.command = connections.length ? 'rampart.syncNow' : 'rampart.connect';
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
