/**
 * Rampart's core, shared by the daemon and the CLI: connections, syncs and queries over one store. It knows nothing
 * of LSP or of the terminal; callers pass in how to get credentials, reach Azure, tell time and log.
 */
import type {
  AssessmentView, AttachEvidenceParams, NewAssessment,
  AuditVerifyResult, ConnectionSummary, ControlCoverage, ControlEvidenceSummary, CoverageParams, DaemonSettings, EvidenceRowView,
  EvidenceRowsParams, NewConnection, RolesView, RunSummary, SetRoleParams,
} from '../protocol';
import type { AzureSessionFactory } from '../azure/clients';
import { msUntilNextStale } from '../evidence/coverage';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { approveAssessment, attachEvidence, createAssessment, findAssessment, toAssessmentView } from '../evidence/assessments';
import { appendAudit, osUser, verifyAudit } from './audit';
import { type ConnectorRole, connectorRole } from './connector-role';
import { ValidationError, findConnection, newConnectionRecord, toConnectionSummary, validateNewConnection } from './connections';
import { type GeneratedCertificate, certificateInstructions, generateCertificate } from './certificate';
import { UNFINISHED, verifySetup } from './setup';
import type { ConnectionRecord } from '../store/schema';
import type { CredentialSource } from './credentials';
import type { Logger } from './logger';
import * as queries from './queries';
import { pruneRevoked } from './retention';
import { type AdminAction, claimIfUnowned, requireAdmin, rolesView, setRole } from './roles';
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
  /** The acting user (default osUser()); tests inject another to play a viewer. See core/roles.ts. */
  user?: () => string;
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
    if (await claimIfUnowned(this.deps.store, this.user())) this.deps.log.info(`'${this.user()}' is the first admin of this Rampart store`);
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
    await this.requireAdmin('revoke');
    const found = this.connection(idOrName);
    const record = store.data.connections.find((c) => c.id === found.id)!;
    if (record.deletedAt) return this.summary(record.id);
    const pending = this.running.get(record.id);
    if (pending) await pending.catch(() => undefined);
    await store.update((d) => {
      const c = d.connections.find((x) => x.id === record.id)!;
      c.deletedAt = clock.now().toISOString();
      appendAudit(d, clock.now(), 'revoke', c.id, { name: c.name, tenantId: c.tenantId, clientId: c.clientId, retentionDays: this.settingsNow.retentionDays });
    }, { rows: [] });
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
    await this.requireAdmin('re-credential');
    const c = this.connection(idOrName);
    if (c.deletedAt) throw new RevokedConnectionError(`Connection '${c.name}' was revoked: its credentials cannot be updated. Connect again to read this tenant.`);
    await store.update((d) => {
      appendAudit(d, clock.now(), 're-auth', c.id, { name: c.name, clientId: c.clientId, credentialKind: c.credentialKind, previousStatus: c.status });
    }, { rows: [] });
    log.info(`credentials of '${c.name}' (${c.id}) updated (${c.credentialKind}); audited as re-auth`);
    return this.summary(c.id);
  }

  // ---- Resumable setup (core/setup.ts) and generated certificates (core/certificate.ts) ----

  /**
   * Signs in and reads the principal's own role assignments. An unfinished connection moves to verified (with a
   * warning when it holds more than it needs), awaiting-permissions (reads nothing yet) or stays a draft (no or a
   * failing credential); any connection keeps the report in `setup`.
   */
  async verifyConnection(idOrName: string): Promise<ConnectionSummary> {
    await this.requireAdmin('resume-setup');
    const c = this.liveRecord(idOrName);
    const outcome = await verifySetup(this.deps, c);
    await this.deps.store.update((d) => {
      const r = d.connections.find((x) => x.id === c.id)!;
      r.setup = outcome.setup;
      if (UNFINISHED.has(r.status)) Object.assign(r, { status: outcome.status, statusDetail: outcome.statusDetail });
    }, { rows: [] });
    this.deps.log.info(`setup of '${c.name}' (${c.id}) verified: ${outcome.status}${outcome.setup.warning ? ' (over-privileged)' : ''}`);
    return this.summary(c.id);
  }

  /** Deletes a connection whose setup never finished (no successful sync), with its failed runs; audited. */
  async deleteUnfinished(idOrName: string): Promise<ConnectionSummary> {
    await this.requireAdmin('delete');
    const c = this.liveRecord(idOrName);
    if (this.deps.store.data.runs.some((r) => r.connectionId === c.id && r.status === 'succeeded')) {
      throw new ValidationError(`Connection '${c.name}' has synced: revoke it instead, which keeps its history.`);
    }
    await this.running.get(c.id)?.catch(() => undefined);
    const last = this.summary(c.id);
    await this.deps.store.update((d) => {
      d.connections = d.connections.filter((x) => x.id !== c.id);
      d.runs = d.runs.filter((r) => r.connectionId !== c.id);
      for (const key of Object.keys(d.inventory) as (keyof typeof d.inventory)[]) {
        (d.inventory as unknown as Record<string, { connectionId: string }[]>)[key] = d.inventory[key].filter((r) => r.connectionId !== c.id);
      }
      appendAudit(d, this.deps.clock.now(), 'revoke', c.id, { name: c.name, tenantId: c.tenantId, clientId: c.clientId, discarded: true, status: c.status });
    }, { rows: [c.id] });
    this.deps.log.info(`unfinished connection '${c.name}' (${c.id}) deleted`);
    return last;
  }

  /**
   * A new key pair and self-signed certificate (CN = the connection's name, one year) for a connection, whose
   * credentialKind becomes 'certificate'; audited as re-auth. The caller keeps `pem` (SecretStorage, or the file
   * named by certificateFile for the CLI) and the user uploads `certificatePem` to the app registration.
   */
  async createCertificate(idOrName: string, options: { file?: string; certificateFile?: string } = {}): Promise<GeneratedCertificate & { instructions: string; connection: ConnectionSummary }> {
    await this.requireAdmin('re-credential');
    const c = this.liveRecord(idOrName);
    const cert = await generateCertificate(c.name, this.deps.clock.now());
    await this.deps.store.update((d) => {
      const r = d.connections.find((x) => x.id === c.id)!;
      appendAudit(d, this.deps.clock.now(), 're-auth', c.id, {
        name: c.name, clientId: c.clientId, credentialKind: 'certificate', previousKind: r.credentialKind, created: 'self-signed certificate',
        thumbprint: cert.thumbprint, notAfter: cert.notAfter,
      });
      Object.assign(r, { credentialKind: 'certificate', secretEnv: undefined, ...(options.certificateFile ? { certificateFile: options.certificateFile } : {}) });
    }, { rows: [] });
    this.deps.log.info(`created a certificate credential for '${c.name}' (${c.id}), thumbprint ${cert.thumbprint}; audited as re-auth`);
    const instructions = certificateInstructions({ connectionName: c.name, clientId: c.clientId, file: options.file ?? `${c.name.replace(/[^A-Za-z0-9._-]+/g, '-')}.cer`, thumbprint: cert.thumbprint, notAfter: cert.notAfter });
    return { ...cert, instructions, connection: this.summary(c.id) };
  }

  // ---- Roles (core/roles.ts) ----

  /** The OS user this service acts as. */
  user(): string { return (this.deps.user ?? osUser)(); }
  /** Who I am, my role, and the admin and viewer lists. */
  roles(): RolesView { return rolesView(this.deps.store.data, this.user()); }
  /** Admin only, audited: makes a user an admin, a viewer, or neither. */
  setRole(p: SetRoleParams): Promise<RolesView> { return setRole(this.deps.store, this.deps.clock, this.user(), p); }
  /** Throws PermissionError (audited) unless the acting user is an admin; for admin-only work done outside the service. */
  requireAdmin(action: AdminAction): Promise<void> { return requireAdmin(this.deps.store, this.deps.clock, this.user(), action); }

  private liveRecord(idOrName: string): ConnectionRecord {
    const found = this.connection(idOrName);
    if (found.deletedAt) throw new RevokedConnectionError(`Connection '${found.name}' was revoked.`);
    return this.deps.store.data.connections.find((x) => x.id === found.id)!;
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
    await this.requireAdmin('connect');
    validateNewConnection(input, store.data.connections);
    const record = newConnectionRecord(input, clock.now());
    await store.update((d) => {
      d.connections.push(record);
      appendAudit(d, clock.now(), 'connect', record.id, {
        name: record.name, tenantId: record.tenantId, clientId: record.clientId, cloud: record.cloud.name,
        credentialKind: record.credentialKind, subscriptions: record.subscriptions,
      });
    }, { rows: [] });
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
    return connectorRole({ connectionName: c.name, clientId: c.clientId, subscriptions: record.subscriptions.length ? record.subscriptions : seen, managementGroup: record.managementGroup, file });
  }

  /** Every assessment, in creation order. */
  assessments(): AssessmentView[] {
    const d = this.deps.store.data;
    return (d.assessments ?? []).map((a) => toAssessmentView(d, a));
  }

  /** Creates a draft assessment (name, period, controls, connections), attaching evidence if asked. */
  async createAssessment(input: NewAssessment): Promise<AssessmentView> {
    const { store, clock, log } = this.deps;
    const id = await store.update((d) => {
      const a = createAssessment(d, input, clock.now(), osUser());
      if (input.attach) attachEvidence(d, a, input.attach);
      return a.id;
    }, { rows: [] });
    const view = this.assessment(id);
    log.info(`assessment '${view.name}' (${view.id}) created with ${view.evidenceCount} evidence row(s)`);
    return view;
  }

  /** Attaches evidence to a draft assessment. */
  async attachAssessmentEvidence(p: AttachEvidenceParams): Promise<AssessmentView> {
    const id = await this.deps.store.update((d) => {
      const a = findAssessment(d, p.assessment);
      attachEvidence(d, a, p);
      return a.id;
    }, { rows: [] });
    return this.assessment(id);
  }

  /**
   * Approves an assessment as the OS user running Rampart, audited as 'assessment-approval'. Its rows are frozen:
   * later syncs add new rows instead of touching them, and prune keeps them.
   */
  async approveAssessment(idOrName: string): Promise<AssessmentView> {
    const { store, clock, log } = this.deps;
    await this.requireAdmin('approve-assessment');
    const id = await store.update((d) => {
      const a = findAssessment(d, idOrName);
      approveAssessment(d, a, clock.now(), this.user());
      appendAudit(d, clock.now(), 'assessment-approval', undefined, {
        assessmentId: a.id, name: a.name, framework: a.framework, from: a.from, to: a.to, controls: a.controls,
        connections: a.connections, evidenceCount: a.evidenceIds.length, digest: a.digest,
      });
      return a.id;
    }, { rows: [] });
    const view = this.assessment(id);
    log.info(`assessment '${view.name}' approved by ${view.approvedBy}: ${view.evidenceCount} evidence row(s) frozen`);
    return view;
  }

  private assessment(id: string): AssessmentView {
    const d = this.deps.store.data;
    return toAssessmentView(d, d.assessments.find((a) => a.id === id)!);
  }

  runningSyncs(): string[] {
    return [...this.running.keys()];
  }

  evidenceSummary(p: CoverageParams = {}): ControlEvidenceSummary[] { return queries.evidenceSummary(this.deps.store.data, p); }
  evidenceRows(p: EvidenceRowsParams): EvidenceRowView[] { return queries.evidenceRows(this.deps.store.data, p); }
  /** One stored evidence row, copied (callers must not change the store's object). */
  evidenceRow(id: string): Record<string, unknown> | null {
    const row = this.deps.store.data.evidence.find((r) => r.id === id);
    return row ? structuredClone(row) as unknown as Record<string, unknown> : null;
  }
  /** Coverage judged now, with the configured stale threshold. */
  coverage(p: CoverageParams = {}): ControlCoverage[] {
    return queries.coverage(this.deps.store.data, { ...p, now: this.deps.clock.now(), staleAfterMs: this.settingsNow.staleAfterMs, gracePeriodDays: this.settingsNow.gracePeriodDays });
  }
  findings(connectionId?: string): EvidenceRowView[] { return queries.findings(this.deps.store.data, connectionId); }
  unknowns(connectionId?: string): EvidenceRowView[] { return queries.unknowns(this.deps.store.data, connectionId); }

  private syncOne(id: string, options: SyncOptions): Promise<RunSummary> {
    const existing = this.running.get(id);
    if (existing) return existing;
    const p = runSync({ ...this.deps, concurrency: this.deps.concurrency ?? 8, gracePeriodDays: this.settingsNow.gracePeriodDays,
      framework: this.settingsNow.framework, resourceGraphThreshold: this.settingsNow.resourceGraphThreshold }, id, options)
      .finally(() => this.running.delete(id));
    this.running.set(id, p);
    return p;
  }
}
