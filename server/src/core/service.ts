/**
 * Rampart's core, shared by the daemon and the CLI: connections, syncs and queries over one store. It knows nothing
 * of LSP or of the terminal; callers pass in how to get credentials, reach Azure, tell time and log.
 */
import type {
  AuditVerifyResult, ConnectionSummary, ControlCoverage, ControlEvidenceSummary, CoverageParams, DaemonSettings, EvidenceRowView,
  EvidenceRowsParams, NewConnection, RunSummary,
} from '../protocol';
import type { AzureSessionFactory } from '../azure/clients';
import { msUntilNextStale } from '../evidence/coverage';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { appendAudit, verifyAudit } from './audit';
import { type ConnectorRole, connectorRole } from './connector-role';
import { findConnection, newConnectionRecord, toConnectionSummary, validateNewConnection } from './connections';
import type { CredentialSource } from './credentials';
import type { Logger } from './logger';
import * as queries from './queries';
import { pruneRevoked } from './retention';
import { DEFAULT_SETTINGS, type ServiceSettings, applySettings } from './settings';
import { type SyncOptions, failInterruptedRuns, runSync } from './sync-runner';

export interface ServiceDeps {
  store: Store;
  clock: Clock;
  sessions: AzureSessionFactory;
  credentials: CredentialSource;
  log: Logger;
  concurrency?: number;
  settings?: Partial<ServiceSettings>;
}

export class UnknownConnectionError extends Error {}
/** A sync asked of a revoked connection. */
export class RevokedConnectionError extends Error {}

export class RampartService {
  private readonly running = new Map<string, Promise<RunSummary>>();

  private settingsNow: ServiceSettings;

  constructor(private readonly deps: ServiceDeps) {
    this.settingsNow = { ...DEFAULT_SETTINGS, ...deps.settings };
  }

  get store(): Store { return this.deps.store; }
  get settings(): ServiceSettings { return { ...this.settingsNow }; }

  /** Milliseconds until some connection's evidence turns stale, if any will. */
  msUntilNextStale(): number | undefined {
    return msUntilNextStale(this.deps.store.data.connections, this.deps.clock.now(), this.settingsNow.staleAfterMs);
  }

  /** Applies settings from the host (the extension's rampart.* settings); invalid values are logged and ignored. */
  configure(input: DaemonSettings | undefined): void {
    this.settingsNow = applySettings(this.settingsNow, input, (m) => this.deps.log.warn(m));
  }

  /** Fails runs a previous process left running, and prunes revoked connections past their retention. */
  async start(): Promise<void> {
    const n = await failInterruptedRuns(this.deps.store, this.deps.clock);
    if (n) this.deps.log.warn(`${n} sync run(s) were interrupted when Rampart last stopped; they are marked failed.`);
    await this.prune();
  }

  /** Removes revoked connections older than the retention window with their runs, inventory and evidence. */
  async prune(): Promise<string[]> {
    const { store, clock, log } = this.deps;
    const pruned = await pruneRevoked(store, clock.now(), this.settingsNow.retentionDays);
    if (pruned.length) log.info(`pruned ${pruned.length} revoked connection(s) past ${this.settingsNow.retentionDays} days of retention`);
    return pruned;
  }

  /**
   * Revokes a connection: deletedAt is set and it never syncs again; its runs, evidence and audit rows stay (shown
   * greyed) until pruned after the retention window. The caller removes the credential (SecretStorage, env).
   */
  async revoke(idOrName: string): Promise<ConnectionSummary> {
    const { store, clock, log } = this.deps;
    const found = this.connection(idOrName);
    const record = store.data.connections.find((c) => c.id === found.id)!;
    if (record.deletedAt) return this.summary(record.id);
    const pending = this.running.get(record.id);
    if (pending) await pending.catch(() => undefined);
    await store.update((d) => {
      const c = d.connections.find((x) => x.id === record.id)!;
      c.deletedAt = clock.now().toISOString();
      appendAudit(d, clock.now(), 'revoke', c.id, { name: c.name, tenantId: c.tenantId, clientId: c.clientId, retentionDays: this.settingsNow.retentionDays });
    });
    log.info(`connection '${record.name}' (${record.id}) revoked; history kept for ${this.settingsNow.retentionDays} days`);
    return this.summary(record.id);
  }

  /**
   * The user stored a new credential for a connection (the editor's Update Credentials): audited as 're-auth'. The
   * status is left as it is: a connection in needs-credentials becomes active at its next successful sync, which
   * proves the new credential works.
   */
  async credentialsUpdated(idOrName: string): Promise<ConnectionSummary> {
    const { store, clock, log } = this.deps;
    const c = this.connection(idOrName);
    if (c.deletedAt) throw new RevokedConnectionError(`Connection '${c.name}' was revoked: its credentials cannot be updated. Connect again to read this tenant.`);
    await store.update((d) => {
      appendAudit(d, clock.now(), 're-auth', c.id, { name: c.name, clientId: c.clientId, credentialKind: c.credentialKind, previousStatus: c.status });
    });
    log.info(`credentials of '${c.name}' (${c.id}) updated (${c.credentialKind}); audited as re-auth`);
    return this.summary(c.id);
  }

  /** Checks the audit log's chain and anchor. */
  verifyAudit(): AuditVerifyResult {
    const d = this.deps.store.data;
    return verifyAudit(d.audit, d.meta?.auditAnchor);
  }

  private summary(id: string): ConnectionSummary {
    const d = this.deps.store.data;
    return toConnectionSummary(d, d.connections.find((c) => c.id === id)!, 5, this.settingsNow.retentionDays);
  }

  listConnections(): ConnectionSummary[] {
    const d = this.deps.store.data;
    return d.connections.map((c) => toConnectionSummary(d, c, 5, this.settingsNow.retentionDays));
  }

  connection(idOrName: string): ConnectionSummary {
    const d = this.deps.store.data;
    const c = findConnection(d, idOrName);
    if (!c) throw new UnknownConnectionError(`No connection '${idOrName}'. Known: ${d.connections.map((x) => x.name).join(', ') || 'none'}.`);
    return toConnectionSummary(d, c, 5, this.settingsNow.retentionDays);
  }

  async connect(input: NewConnection): Promise<ConnectionSummary> {
    const { store, clock, log } = this.deps;
    validateNewConnection(input, store.data.connections);
    const record = newConnectionRecord(input, clock.now());
    await store.update((d) => {
      d.connections.push(record);
      appendAudit(d, clock.now(), 'connect', record.id, {
        name: record.name, tenantId: record.tenantId, clientId: record.clientId, cloud: record.cloud.name,
        credentialKind: record.credentialKind, subscriptions: record.subscriptions,
      });
    });
    log.info(`connection '${record.name}' (${record.id}) created for tenant ${record.tenantId}`);
    return toConnectionSummary(store.data, record);
  }

  /**
   * Syncs one connection (id or name), or every live connection. A sync already running for a connection is joined.
   * A revoked connection is refused by name and skipped in "all".
   */
  async sync(idOrName: string | undefined, options: SyncOptions = {}): Promise<RunSummary[]> {
    let ids: string[];
    if (idOrName === undefined) {
      ids = this.deps.store.data.connections.filter((c) => !c.deletedAt).map((c) => c.id);
    } else {
      const c = this.connection(idOrName);
      if (c.deletedAt) throw new RevokedConnectionError(`Connection '${c.name}' was revoked on ${c.deletedAt.slice(0, 10)}: it no longer syncs. Connect again to read this tenant.`);
      ids = [c.id];
    }
    const results: RunSummary[] = [];
    for (const id of ids) results.push(await this.syncOne(id, options));
    return results;
  }

  /**
   * The least-privilege custom role for a connection's principal (or, without one, any connector), scoped to its
   * subscriptions: the explicit list, else those its last sync saw, else a placeholder.
   */
  connectorRole(idOrName?: string, file?: string): ConnectorRole {
    if (!idOrName) return connectorRole({ file });
    const c = this.connection(idOrName);
    const record = this.deps.store.data.connections.find((x) => x.id === c.id)!;
    const seen = this.deps.store.data.inventory.subscriptions.filter((x) => x.connectionId === c.id).map((x) => x.subscriptionId);
    return connectorRole({ connectionName: c.name, clientId: c.clientId, subscriptions: record.subscriptions.length ? record.subscriptions : seen, file });
  }

  runningSyncs(): string[] {
    return [...this.running.keys()];
  }

  evidenceSummary(p: CoverageParams = {}): ControlEvidenceSummary[] { return queries.evidenceSummary(this.deps.store.data, p); }
  evidenceRows(p: EvidenceRowsParams): EvidenceRowView[] { return queries.evidenceRows(this.deps.store.data, p); }
  /** Coverage judged now, with the configured stale threshold. */
  coverage(p: CoverageParams = {}): ControlCoverage[] {
    return queries.coverage(this.deps.store.data, { ...p, now: this.deps.clock.now(), staleAfterMs: this.settingsNow.staleAfterMs });
  }
  findings(connectionId?: string): EvidenceRowView[] { return queries.findings(this.deps.store.data, connectionId); }
  unknowns(connectionId?: string): EvidenceRowView[] { return queries.unknowns(this.deps.store.data, connectionId); }

  private syncOne(id: string, options: SyncOptions): Promise<RunSummary> {
    const existing = this.running.get(id);
    if (existing) return existing;
    const p = runSync({ ...this.deps, concurrency: this.deps.concurrency ?? 8 }, id, options)
      .finally(() => this.running.delete(id));
    this.running.set(id, p);
    return p;
  }
}
