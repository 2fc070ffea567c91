/**
 * One client's session with the Rampart daemon: serves the custom `rampart/...` methods and the lint features over
 * the LSP connection it is handed. What all clients share (store, service, scheduler) is a DaemonCore
 * (host/core.ts); a Daemon built from options alone makes its own core (one client: stdio, tests). It owns no
 * process concerns (see server.ts and host/) so tests run it in-process over streams.
 */
import { type CancellationToken, type Connection, TextDocumentSyncKind } from 'vscode-languageserver';
import * as P from './protocol';
import { DaemonCore, type DaemonOptions } from './host/core';
import type { RampartService } from './core/service';
import { describeSchedule } from './core/settings';
import { registerExportHandlers } from './export-server';
import { registerRolesHandlers } from './roles-server';
import { registerOrganizationHandlers } from './organizations-server';
import { LINT_CAPABILITIES, registerLintFeatures } from './lint-server/register';
import type { LintDocuments } from './lint-server/documents';
import { syncedSubscriptions } from './core/synced-tenant';
import { VERSION } from './version';

export type { DaemonOptions } from './host/core';

export class Daemon {
  private readonly core: DaemonCore;
  /** A core made for this session alone ends with it. */
  private readonly ownsCore: boolean;
  private canPullConfiguration = false;
  private detach?: () => void;
  private lint?: LintDocuments;

  constructor(private readonly connection: Connection, coreOrOptions: DaemonCore | DaemonOptions) {
    this.ownsCore = !(coreOrOptions instanceof DaemonCore);
    this.core = coreOrOptions instanceof DaemonCore ? coreOrOptions : new DaemonCore(coreOrOptions);
  }

  /** The client went away: stop sending it notifications. */
  dispose(): void {
    this.detach?.();
    this.detach = undefined;
    this.lint?.dispose();
    if (this.ownsCore) this.core.close();
  }

  /** Registers every handler; call once, before `connection.listen()`. */
  register(): void {
    const c = this.connection;
    // A sync may have brought other role definitions: this client's role-drift notes (RP030) follow.
    this.detach = this.core.attach(c, (_reason, rolesChanged) => { if (rolesChanged) this.lint?.tenantChanged(); });
    c.onInitialize(async (params) => {
      this.canPullConfiguration = !!params.capabilities.workspace?.configuration;
      await this.core.open(params.initializationOptions as P.DaemonSettings | undefined);
      return {
        capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, ...LINT_CAPABILITIES },
        serverInfo: { name: 'rampart-daemon', version: VERSION },
      };
    });
    // Settings first, so a missed schedule that runs at start follows the user's rampart.sync.schedule.
    // The scheduler starts once per daemon, whatever the number of clients.
    c.onInitialized(() => void this.pullSettings().then(() => this.core.startScheduler()));
    c.onShutdown(() => {
      this.lint?.dispose();
      if (this.ownsCore) this.core.close();
    });
    c.onRequest(P.ShutdownDaemon.type, () => {
      if (!this.core.options.onExitRequested) {
        throw new Error("This Rampart daemon does not stop when a client asks: it was started by 'rampart daemon' (or serves one client); stop it where it was started.");
      }
      // Answer first; the host exits right after.
      setImmediate(() => this.core.options.onExitRequested?.());
    });
    // The editor's settings changed: pull them again (the client also may push them with rampart/configure).
    c.onDidChangeConfiguration(() => void this.pullSettings());
    c.onNotification(P.Configure.type, (settings) => {
      this.svc().configure(settings);
      this.changed('settings');
    });
    c.onRequest(P.Revoke.type, async (p) => {
      const summary = await this.svc().revoke(p.connectionId);
      this.changed('revoke');
      return summary;
    });
    c.onRequest(P.VerifyAudit.type, () => this.svc().verifyAudit());
    c.onRequest(P.CredentialsUpdated.type, async (p) => {
      const summary = await this.svc().credentialsUpdated(p.connectionId);
      this.changed('re-auth');
      return summary;
    });
    c.onRequest(P.ConnectorRole.type, (p) => {
      const r = this.svc().connectorRole(p?.connectionId, p?.file);
      return { json: r.json, instructions: r.instructions, placeholderScope: r.placeholderScope };
    });
    c.onRequest(P.ListConnections.type, () => this.svc().listConnections());
    c.onRequest(P.VerifyConnection.type, async (p) => { const s = await this.svc().verifyConnection(p.connectionId); this.changed('verify'); return s; });
    c.onRequest(P.DeleteUnfinished.type, async (p) => { const s = await this.svc().deleteUnfinished(p.connectionId); this.changed('delete'); return s; });
    c.onRequest(P.CreateCertificate.type, async (p) => { const r = await this.svc().createCertificate(p.connectionId, { file: p.file }); this.changed('re-auth'); return r; });
    c.onRequest(P.Connect.type, async (params) => {
      const summary = await this.svc().connect(params);
      this.changed('connect');
      return summary;
    });
    c.onRequest(P.Sync.type, async (params, token) => {
      const runs = await this.svc().sync(params.connectionId, {
        abortSignal: toAbortSignal(token),
        onProgress: this.core.progress,
      });
      this.changed('sync');
      return runs;
    });
    registerExportHandlers(c, { service: () => this.svc(), clock: this.core.options.clock, changed: (reason) => this.changed(reason) });
    this.lint = registerLintFeatures(c, {
      log: this.core.log, tenantRoles: () => this.core.tenantRoles.current(), subscriptions: () => syncedSubscriptions(this.core.current?.store.data),
    });
    registerRolesHandlers(c, { service: () => this.svc(), changed: (reason) => this.changed(reason) });
    registerOrganizationHandlers(c, { service: () => this.svc(), clock: this.core.options.clock, changed: (reason) => this.changed(reason) });
    c.onRequest(P.Assessments.type, () => this.svc().assessments());
    c.onRequest(P.CreateAssessment.type, async (p) => {
      const view = await this.svc().createAssessment(p);
      this.changed('assessment');
      return view;
    });
    c.onRequest(P.AttachAssessmentEvidence.type, async (p) => {
      const view = await this.svc().attachAssessmentEvidence(p);
      this.changed('assessment');
      return view;
    });
    c.onRequest(P.ApproveAssessment.type, async (p) => {
      const view = await this.svc().approveAssessment(p.assessment);
      this.changed('assessment-approval');
      return view;
    });
    c.onRequest(P.EvidenceSummary.type, (p) => this.svc().evidenceSummary(p ?? {}));
    c.onRequest(P.EvidenceRows.type, (p) => this.svc().evidenceRows(p));
    c.onRequest(P.EvidenceRow.type, (p) => this.svc().evidenceRow(p.id));
    c.onRequest(P.Coverage.type, (p) => this.svc().coverage(p ?? {}));
    c.onRequest(P.Status.type, () => ({
      version: VERSION, storePath: this.svc().store.file, schemaVersion: this.svc().store.data.schemaVersion,
      runningSyncs: this.svc().runningSyncs(), schedule: describeSchedule(this.svc().settings.schedule),
      nextScheduledSyncAt: this.core.nextScheduledAt !== undefined ? new Date(this.core.nextScheduledAt).toISOString() : undefined,
    }));
  }

  /**
   * Reads the `rampart` section through LSP workspace/configuration, which the VS Code language client answers
   * from the user's settings without extension code. Clients that cannot answer keep initializationOptions.
   */
  private async pullSettings(): Promise<void> {
    if (!this.canPullConfiguration) return;
    try {
      const section = await this.connection.workspace.getConfiguration('rampart') as P.DaemonSettings | null;
      if (section && typeof section === 'object') {
        this.svc().configure({
          staleAfter: section.staleAfter, retentionDays: section.retentionDays, gracePeriodDays: section.gracePeriodDays, sync: section.sync, framework: section.framework,
        });
        this.changed('settings');
      }
    } catch (e) {
      this.core.log.warn(`could not read the rampart settings from the editor: ${(e as Error).message}`);
    }
  }

  private svc(): RampartService {
    return this.core.svc();
  }

  private changed(reason: string): void {
    this.core.changed(reason);
  }
}

function toAbortSignal(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
