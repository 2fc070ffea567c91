import * as vscode from 'vscode';
import { ListConnections, Sync, type ConnectionSummary, type RunSummary, type SyncParams } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { UserCancelledError, errorMessage, type ErrorAction } from './errors';
import { countsSentence, progressLine } from './format';
import { showError } from './notify';
import type { StatusBar } from './statusBar';

/** Failures the user fixes with new credentials rather than by reading the log. */
const CREDENTIAL_PROBLEM = /credential|secret|certificate|unauthori[sz]ed|invalid_client|AADSTS|expired|401/i;

/**
 * Runs a Sync request under a cancellable progress notification. Cancelling cancels the request (the daemon stops
 * the run); progress lines come from SyncProgressNotification. Shared by Connect, Sync Now, the inline Sync and
 * Update Credentials, so they all look and behave the same.
 */
export class SyncRunner {
  constructor(
    private readonly ctx: Ctx,
    private readonly statusBar: StatusBar,
  ) {}

  async run(params: SyncParams, title: string): Promise<RunSummary[]> {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        // Overall percentage: the mean of each run's done/total, reported as increments as VS Code expects.
        const fractions = new Map<string, number>();
        let reported = 0;
        const listener = this.ctx.onSyncProgress((p) => {
          if (params.connectionId && p.connectionId !== params.connectionId) return;
          fractions.set(p.runId, p.total > 0 ? Math.min(1, p.done / p.total) : 0);
          const overall = (100 * [...fractions.values()].reduce((a, b) => a + b, 0)) / fractions.size;
          const increment = overall > reported ? overall - reported : undefined;
          if (increment) reported = overall;
          progress.report({ message: progressLine(p), increment });
        });
        this.statusBar.syncStarted();
        this.ctx.log.info(`Sync ${params.connectionId ? `of ${params.connectionId}` : 'of all connections'} started`);
        try {
          const runs = await this.ctx.request(Sync.type, params, token);
          for (const run of runs) this.ctx.log.info(`Run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}`);
          return runs;
        } catch (error) {
          if (token.isCancellationRequested) throw new UserCancelledError('sync');
          throw error;
        } finally {
          listener.dispose();
          this.statusBar.syncEnded();
        }
      },
    );
  }

  /**
   * Tells the user how runs ended: each failure as an error with what to do next, success as a brief status-bar
   * message (a sync is routine; it does not deserve a notification).
   */
  async report(runs: RunSummary[]): Promise<void> {
    const connections = await this.connectionsById();
    const name = (id: string) => connections.get(id)?.name ?? id;
    const failed = runs.filter((r) => r.status === 'failed');
    for (const run of failed) {
      showError(`Sync of '${name(run.connectionId)}' failed: ${run.error ?? 'see the log'}`, this.actionsFor(run, connections.get(run.connectionId)));
    }
    const succeeded = runs.filter((r) => r.status === 'succeeded');
    if (succeeded.length > 0) {
      const names = succeeded.map((r) => `'${name(r.connectionId)}'`).join(', ');
      vscode.window.setStatusBarMessage(`$(check) Rampart synced ${names}: ${countsSentence(succeeded)}`, 8000);
    }
  }

  /** "Update Credentials" when new credentials may fix the failure (or `always`), then "Show Log" (added by showError). */
  actionsFor(run: RunSummary, connection?: ConnectionSummary, always = false): ErrorAction[] {
    const credentialIssue =
      always || connection?.status === 'needs-credentials' || CREDENTIAL_PROBLEM.test(`${run.errorCode ?? ''} ${run.error ?? ''}`);
    return credentialIssue
      ? [{ title: 'Update Credentials', command: 'rampart.updateCredentials', args: [{ connectionId: run.connectionId }] }]
      : [];
  }

  async connectionsById(): Promise<Map<string, ConnectionSummary>> {
    try {
      return new Map((await this.ctx.request0(ListConnections.type)).map((c) => [c.id, c]));
    } catch (error) {
      this.ctx.log.warn(`Could not list connections: ${errorMessage(error)}`);
      return new Map();
    }
  }
}
