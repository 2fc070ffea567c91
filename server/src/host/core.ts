/**
 * What every client of one daemon shares: the store, the RampartService, the one Scheduler and the stale-evidence
 * timer. Each LSP client is a session (daemon.ts) attached here; notifications that concern everyone (store changed,
 * sync progress, log lines) go to every session, so a sync started in one window, by the CLI or by the scheduler
 * shows in all of them. A credential is asked of each session in turn until one has it.
 */
import type { Connection } from 'vscode-languageserver';
import type { NotificationType } from 'vscode-languageserver-protocol';
import * as P from '../protocol';
import type { AzureSessionFactory, CredentialMaterial } from '../azure/clients';
import { CredentialChain, type CredentialSource, EnvironmentCredentialSource } from '../core/credentials';
import { CLIENT_ANSWER_TIMEOUT_MS, askEachClient, InteractiveCredentialSource, requestWithin } from '../core/sign-in';
import { type Logger, redactingLogger } from '../core/logger';
import { Scheduler, type Timer, realTimer } from '../core/scheduler';
import { RampartService } from '../core/service';
import type { ConnectionRecord } from '../store/schema';
import { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { VERSION } from '../version';
import { TenantRoleCache } from '../core/synced-tenant';

export interface DaemonOptions {
  storeDir: string;
  clock: Clock;
  sessions: AzureSessionFactory;
  /** Extra credential sources tried after the clients' SecretStorage (default: environment and certificate files). */
  fallbackCredentials?: CredentialSource;
  concurrency?: number;
  /** Settings before any client sends some (tests); the clients' initializationOptions and rampart/configure win. */
  settings?: P.DaemonSettings;
  /** The scheduler's timer (default setTimeout); tests pass a fake one and step it with the clock. */
  timer?: Timer;
  /** The scheduler's jitter source (default Math.random). */
  random?: () => number;
  /** The acting user (default the OS user); tests pass another to play a viewer (core/roles.ts). */
  user?: () => string;
  /** Also receives every log line (the detached daemon's log file). */
  logSink?(level: 'info' | 'warn' | 'error', line: string): void;
  /** A client asked the daemon to exit (Restart Daemon); absent: the request is refused. */
  onExitRequested?(): void;
}

export class DaemonCore {
  private service?: RampartService;
  private opening?: Promise<RampartService>;
  private scheduler?: Scheduler;
  private schedulerStarted = false;
  private staleTimer?: NodeJS.Timeout;
  private readonly sessions = new Set<Connection>();
  /** Per-session reactions to a change (a session's lint re-checks drift against the synced tenant). */
  private readonly listeners = new Map<Connection, (reason: string, rolesChanged: boolean) => void>();
  /** The synced tenants' role definitions (RP030 role-drift), computed once per change for every client's lint. */
  readonly tenantRoles = new TenantRoleCache(() => this.service?.store.data);
  readonly log: Logger;

  constructor(readonly options: DaemonOptions) {
    this.log = redactingLogger((level, line) => {
      options.logSink?.(level, line);
      for (const c of this.sessions) quietly(() => c.console[level](line));
    });
  }

  /** A client connected; returns its detach. */
  attach(connection: Connection, onChanged?: (reason: string, rolesChanged: boolean) => void): () => void {
    this.sessions.add(connection);
    if (onChanged) this.listeners.set(connection, onChanged);
    return () => {
      this.sessions.delete(connection);
      this.listeners.delete(connection);
    };
  }


  /**
   * Opens the store once (crash recovery included: runs a dead daemon left running are failed). The first caller's
   * settings apply before the start's prune, so it honours the user's retention; later callers' settings apply after.
   */
  async open(settings?: P.DaemonSettings): Promise<RampartService> {
    const first = !this.opening;
    // A failed open (a corrupt store, say) is not kept: once the user has repaired the files, the next client's
    // initialize opens the store again instead of getting the old error until the daemon exits.
    this.opening ??= this.openOnce(settings).catch((e: unknown) => { this.opening = undefined; throw e; });
    const service = await this.opening;
    if (!first) service.configure(settings);
    return service;
  }

  /** The service if the store is open yet. */
  get current(): RampartService | undefined {
    return this.service;
  }

  /** The service, once opened. */
  svc(): RampartService {
    if (!this.service) throw new Error('The Rampart daemon is still starting.');
    return this.service;
  }

  get nextScheduledAt(): number | undefined {
    return this.scheduler?.nextAt;
  }

  /** Starts the scheduler the first time; later calls (more clients) change nothing: it runs once per daemon. */
  startScheduler(): void {
    if (this.schedulerStarted || !this.scheduler) return;
    this.schedulerStarted = true;
    this.scheduler.start();
  }

  /** Whether a sync is running. */
  busy(): boolean {
    return (this.service?.runningSyncs().length ?? 0) > 0;
  }

  /** Stops the scheduler and the stale timer (the daemon is ending). */
  close(): void {
    this.scheduler?.stop();
    clearTimeout(this.staleTimer);
  }

  broadcast<T>(type: NotificationType<T>, params: T): void {
    for (const c of this.sessions) quietly(() => c.sendNotification(type, params).catch(() => undefined));
  }

  /** Runs, connections or settings changed: re-arm the scheduler and tell every client. */
  changed(reason: string): void {
    // When each connection is next due may have changed too.
    if (this.schedulerStarted) this.scheduler?.reschedule();
    this.broadcast(P.StoreChanged.type, { reason });
    this.scheduleStaleNotice();
    // The synced roles (for lint's RP030) come from inventory and connections: recomputed (a scan of every role
    // assignment) only after a change that may touch them, not after an export, a stale notice or an organization edit.
    const rolesChanged = !KEEPS_INVENTORY.has(reason) && this.tenantRoles.refresh();
    for (const listener of this.listeners.values()) listener(reason, rolesChanged);
  }

  /** Progress of any sync, to every client. */
  readonly progress = (p: P.SyncProgress): void => this.broadcast(P.SyncProgressNotification.type, p);

  private async openOnce(settings: P.DaemonSettings | undefined): Promise<RampartService> {
    const store = await Store.open(this.options.storeDir, { onWarning: (m) => this.log.warn(m) });
    const credentials = new CredentialChain([
      new InteractiveCredentialSource(askEachClient(() => [...this.sessions])),
      new SessionCredentialSource(() => [...this.sessions]),
      this.options.fallbackCredentials ?? new EnvironmentCredentialSource(),
    ]);
    const service = new RampartService({
      store, clock: this.options.clock, sessions: this.options.sessions, credentials, log: this.log,
      concurrency: this.options.concurrency, user: this.options.user,
    });
    service.configure(this.options.settings);
    service.configure(settings);
    await service.start();
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
        await service.sync(id, { onProgress: this.progress });
        this.changed('scheduled-sync');
      },
    });
    this.service = service;
    this.scheduleStaleNotice();
    this.log.info(`Rampart daemon ${VERSION} (pid ${process.pid}) on store ${store.file}`);
    return service;
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

/** Store changes that never touch inventory or connections' existence (anything else refreshes the synced roles). */
const KEEPS_INVENTORY: ReadonlySet<string> = new Set(['export', 'organizations', 'roles', 'stale', 'assessment', 'assessment-approval', 're-auth']);

/**
 * Asks the connected clients for a credential, each in turn, until one has it: an editor window answers from its
 * SecretStorage, a CLI from its environment or sealed file. A client that fails to answer is skipped.
 */
export class SessionCredentialSource implements CredentialSource {
  constructor(private readonly sessions: () => Pick<Connection, 'sendRequest'>[], private readonly timeoutMs = CLIENT_ANSWER_TIMEOUT_MS) {}

  async get(c: ConnectionRecord): Promise<CredentialMaterial | undefined> {
    const params: P.CredentialParams = {
      connectionId: c.id, connectionName: c.name, kind: c.credentialKind, secretEnv: c.secretEnv, certificateFile: c.certificateFile,
    };
    for (const session of this.sessions()) {
      // A client whose connection just closed throws at once; one that fails to answer, or does not answer in time
      // (a window stopped at a breakpoint), is skipped: it must not hold the sync.
      const r = await requestWithin(session, P.GetCredential.type, params, this.timeoutMs).catch(() => null);
      if (r && (r.secret || r.certificatePem)) return { secret: r.secret, certificatePem: r.certificatePem };
    }
    return undefined;
  }
}

/** Sends to a client that may have gone away this instant (its connection then throws synchronously). */
function quietly(send: () => unknown): void {
  try {
    send();
  } catch {
    // The client left; its session is being detached.
  }
}
