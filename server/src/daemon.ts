/**
 * The Rampart daemon: an LSP server that serves the custom `rampart/...` methods over whatever connection it is
 * handed. It owns no process concerns (see server.ts) so tests run it in-process over streams.
 */
import { type CancellationToken, type Connection, TextDocumentSyncKind } from 'vscode-languageserver';
import * as P from './protocol';
import type { AzureSessionFactory } from './azure/clients';
import type { CredentialMaterial } from './azure/clients';
import { CredentialChain, type CredentialSource, EnvironmentCredentialSource } from './core/credentials';
import { type Logger, redactingLogger } from './core/logger';
import { Scheduler, type Timer, realTimer } from './core/scheduler';
import { RampartService } from './core/service';
import { Organizations } from './core/organizations';
import { describeSchedule } from './core/settings';
import { registerExportHandlers } from './export-server';
import { registerRolesHandlers } from './roles-server';
import { LINT_CAPABILITIES, registerLintFeatures } from './lint-server/register';
import type { LintDocuments } from './lint-server/documents';
import { syncedSubscriptions, TenantRoleCache } from './core/synced-tenant';
import type { ConnectionRecord } from './store/schema';
import { Store } from './store/store';
import type { Clock } from './util/clock';
import { VERSION } from './version';

export interface DaemonOptions {
  storeDir: string;
  clock: Clock;
  sessions: AzureSessionFactory;
  /** Extra credential sources tried after the client's SecretStorage (default: environment and certificate files). */
  fallbackCredentials?: CredentialSource;
  concurrency?: number;
  /** Settings before the client sends any (tests); the client's initializationOptions and rampart/configure win. */
  settings?: P.DaemonSettings;
  /** The scheduler's timer (default setTimeout); tests pass a fake one and step it with the clock. */
  timer?: Timer;
  /** The scheduler's jitter source (default Math.random). */
  random?: () => number;
  /** The acting user (default the OS user); tests pass another to play a viewer (core/roles.ts). */
  user?: () => string;
}

export class Daemon {
  private service?: RampartService;
  private scheduler?: Scheduler;
  private staleTimer?: NodeJS.Timeout;
  private readonly log: Logger;
  private initSettings?: P.DaemonSettings;
  private canPullConfiguration = false;
  private lint?: LintDocuments;
  private readonly tenantRoles = new TenantRoleCache(() => this.service?.store.data);

  constructor(private readonly connection: Connection, private readonly options: DaemonOptions) {
    this.log = redactingLogger((level, line) => connection.console[level === 'warn' ? 'warn' : level](line));
  }

  /** Registers every handler; call once, before `connection.listen()`. */
  register(): void {
    const c = this.connection;
    c.onInitialize(async (params) => {
      this.initSettings = params.initializationOptions as P.DaemonSettings | undefined;
      this.canPullConfiguration = !!params.capabilities.workspace?.configuration;
      await this.open();
      return {
        capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, ...LINT_CAPABILITIES },
        serverInfo: { name: 'rampart-daemon', version: VERSION },
      };
    });
    // Settings first, so a missed schedule that runs at start follows the user's rampart.sync.schedule.
    c.onInitialized(() => void this.pullSettings().then(() => this.scheduler?.start()));
    c.onShutdown(() => this.scheduler?.stop());
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
        onProgress: (p) => void c.sendNotification(P.SyncProgressNotification.type, p),
      });
      this.changed('sync');
      return runs;
    });
    registerExportHandlers(c, { service: () => this.svc(), clock: this.options.clock, changed: (reason) => this.changed(reason) });
    this.lint = registerLintFeatures(c, {
      log: this.log, tenantRoles: () => this.tenantRoles.current(), subscriptions: () => syncedSubscriptions(this.service?.store.data),
    });
    registerRolesHandlers(c, { service: () => this.svc(), changed: (reason) => this.changed(reason) });
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
    c.onRequest(P.Organizations.type, (p) => new Organizations({ store: this.svc().store, clock: this.options.clock, settings: () => this.svc().settings }).tree(p?.framework));
    c.onRequest(P.Status.type, () => ({
      version: VERSION, storePath: this.svc().store.file, schemaVersion: this.svc().store.data.schemaVersion,
      runningSyncs: this.svc().runningSyncs(), schedule: describeSchedule(this.svc().settings.schedule),
      nextScheduledSyncAt: this.scheduler?.nextAt !== undefined ? new Date(this.scheduler.nextAt).toISOString() : undefined,
    }));
  }

  private async open(): Promise<void> {
    if (this.service) return;
    const store = await Store.open(this.options.storeDir, { onWarning: (m) => this.log.warn(m) });
    const credentials = new CredentialChain([
      new ClientCredentialSource(this.connection),
      this.options.fallbackCredentials ?? new EnvironmentCredentialSource(),
    ]);
    this.service = new RampartService({
      store, clock: this.options.clock, sessions: this.options.sessions, credentials, log: this.log,
      concurrency: this.options.concurrency, user: this.options.user,
    });
    this.service.configure(this.options.settings);
    this.service.configure(this.initSettings);
    await this.service.start();
    const service = this.service;
    this.scheduler = new Scheduler({
      clock: this.options.clock, timer: this.options.timer ?? realTimer, random: this.options.random, log: this.log,
      schedule: () => service.settings.schedule,
      connections: () => {
        const lastRun = new Map<string, string>();
        for (const r of service.store.data.runs) lastRun.set(r.connectionId, r.startedAt);
        return service.store.data.connections.map((x) => ({
          id: x.id, name: x.name, status: x.status, createdAt: x.createdAt, deletedAt: x.deletedAt, lastRunAt: lastRun.get(x.id),
        }));
      },
      sync: async (id) => {
        // The same notifications as a sync asked by a client: every window shows it running.
        await service.sync(id, { onProgress: (p) => void this.connection.sendNotification(P.SyncProgressNotification.type, p) });
        this.changed('scheduled-sync');
      },
    });
    this.scheduleStaleNotice();
    this.log.info(`Rampart daemon ${VERSION} on store ${store.file}`);
  }

  /**
   * Reads the `rampart` section through LSP workspace/configuration, which the VS Code language client answers
   * from the user's settings without extension code. Clients that cannot answer keep initializationOptions.
   */
  private async pullSettings(): Promise<void> {
    if (!this.canPullConfiguration || !this.service) return;
    try {
      const section = await this.connection.workspace.getConfiguration('rampart') as P.DaemonSettings | null;
      if (section && typeof section === 'object') {
        this.service.configure({
          staleAfter: section.staleAfter, retentionDays: section.retentionDays, gracePeriodDays: section.gracePeriodDays, sync: section.sync,
        });
        this.changed('settings');
      }
    } catch (e) {
      this.log.warn(`could not read the rampart settings from the editor: ${(e as Error).message}`);
    }
  }

  private svc(): RampartService {
    if (!this.service) throw new Error('The Rampart daemon is still starting.');
    return this.service;
  }

  private changed(reason: string): void {
    // Runs, connections or the schedule changed: when each connection is next due may have too.
    this.scheduler?.reschedule();
    void this.connection.sendNotification(P.StoreChanged.type, { reason });
    this.scheduleStaleNotice();
    // A sync may have brought other role definitions: the role-drift notes (RP030) follow.
    if (this.tenantRoles.refresh()) this.lint?.tenantChanged();
  }

  /**
   * Evidence turns stale with time alone, with no write to announce it: wake when the next connection crosses the
   * threshold and tell the clients, so views, status bar and the stale warning follow without polling.
   */
  private scheduleStaleNotice(): void {
    clearTimeout(this.staleTimer);
    const wait = this.service?.msUntilNextStale();
    if (wait === undefined) return;
    // setTimeout holds at most ~24.8 days; a longer wait simply wakes early and schedules again.
    this.staleTimer = setTimeout(() => this.changed('stale'), Math.min(wait + 50, 2 ** 31 - 1));
    this.staleTimer.unref?.();
  }
}

/** Asks the editor for the credential it keeps in SecretStorage. */
class ClientCredentialSource implements CredentialSource {
  constructor(private readonly connection: Connection) {}

  async get(c: ConnectionRecord): Promise<CredentialMaterial | undefined> {
    const r = await this.connection.sendRequest(P.GetCredential.type, { connectionId: c.id, connectionName: c.name, kind: c.credentialKind });
    if (!r) return undefined;
    return r.secret || r.certificatePem ? { secret: r.secret, certificatePem: r.certificatePem } : undefined;
  }
}

function toAbortSignal(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
