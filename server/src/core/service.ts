/**
 * Rampart's core, shared by the daemon and the CLI: connections, syncs and queries over one store. It knows nothing
 * of LSP or of the terminal; callers pass in how to get credentials, reach Azure, tell time and log.
 */
import type { ConnectionSummary, ControlCoverage, ControlEvidenceSummary, EvidenceRowView, EvidenceRowsParams, NewConnection, RunSummary } from '../protocol';
import type { AzureSessionFactory } from '../azure/clients';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { appendAudit } from './audit';
import { findConnection, newConnectionRecord, toConnectionSummary, validateNewConnection } from './connections';
import type { CredentialSource } from './credentials';
import type { Logger } from './logger';
import * as queries from './queries';
import { type SyncOptions, failInterruptedRuns, runSync } from './sync-runner';

export interface ServiceDeps {
  store: Store;
  clock: Clock;
  sessions: AzureSessionFactory;
  credentials: CredentialSource;
  log: Logger;
  concurrency?: number;
}

export class UnknownConnectionError extends Error {}

export class RampartService {
  private readonly running = new Map<string, Promise<RunSummary>>();

  constructor(private readonly deps: ServiceDeps) {}

  get store(): Store { return this.deps.store; }

  async start(): Promise<void> {
    const n = await failInterruptedRuns(this.deps.store, this.deps.clock);
    if (n) this.deps.log.warn(`${n} sync run(s) were interrupted when Rampart last stopped; they are marked failed.`);
  }

  listConnections(): ConnectionSummary[] {
    const d = this.deps.store.data;
    return d.connections.map((c) => toConnectionSummary(d, c));
  }

  connection(idOrName: string): ConnectionSummary {
    const d = this.deps.store.data;
    const c = findConnection(d, idOrName);
    if (!c) throw new UnknownConnectionError(`No connection '${idOrName}'. Known: ${d.connections.map((x) => x.name).join(', ') || 'none'}.`);
    return toConnectionSummary(d, c);
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

  /** Syncs one connection (id or name), or every connection. A sync already running for a connection is joined. */
  async sync(idOrName: string | undefined, options: SyncOptions = {}): Promise<RunSummary[]> {
    const ids = idOrName === undefined
      ? this.deps.store.data.connections.map((c) => c.id)
      : [this.connection(idOrName).id];
    const results: RunSummary[] = [];
    for (const id of ids) results.push(await this.syncOne(id, options));
    return results;
  }

  runningSyncs(): string[] {
    return [...this.running.keys()];
  }

  evidenceSummary(connectionId?: string): ControlEvidenceSummary[] { return queries.evidenceSummary(this.deps.store.data, connectionId); }
  evidenceRows(p: EvidenceRowsParams): EvidenceRowView[] { return queries.evidenceRows(this.deps.store.data, p); }
  coverage(connectionId?: string): ControlCoverage[] { return queries.coverage(this.deps.store.data, connectionId); }
  findings(connectionId?: string): EvidenceRowView[] { return queries.findings(this.deps.store.data, connectionId); }

  private syncOne(id: string, options: SyncOptions): Promise<RunSummary> {
    const existing = this.running.get(id);
    if (existing) return existing;
    const p = runSync({ ...this.deps, concurrency: this.deps.concurrency ?? 8 }, id, options)
      .finally(() => this.running.delete(id));
    this.running.set(id, p);
    return p;
  }
}
