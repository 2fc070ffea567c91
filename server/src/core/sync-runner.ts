/**
 * One sync of one connection: record the run, read Azure, then commit inventory, evidence, run and audit in a single
 * store write. A failure or cancellation commits only the failed run and its audit row: earlier evidence is kept.
 */
import type { RunSummary, SyncProgress } from '../protocol';
import { resolveCloud } from '../azure/clouds';
import type { AzureSessionFactory } from '../azure/clients';
import { CREDENTIAL_ERRORS, SyncError, toSyncError } from '../azure/errors';
import { mergeEvidence, observeEach } from '../evidence/evidence';
import { frozenEvidenceIds } from '../evidence/assessments';
import { assetsOf, trackAssets } from '../evidence/assets';
import { connectionGrade } from '../evidence/organizations';
import { collect } from '../sync/collect';
import { type DeniedSource, deniedObservations, keepDenied } from '../sync/collect-posture';
import type { ConnectionRecord, Inventory, RunRecord } from '../store/schema';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { newId } from '../util/ids';
import { appendAudit } from './audit';
import { toRunSummary } from './connections';
import { type CredentialSource, missingCredentialMessage } from './credentials';
import type { Logger } from './logger';

export interface SyncDeps {
  store: Store;
  clock: Clock;
  sessions: AzureSessionFactory;
  credentials: CredentialSource;
  log: Logger;
  /** Requests in flight per connection. */
  concurrency: number;
  /** Grace period of new assets, for the grade kept on the run (default 60). */
  gracePeriodDays?: number;
  /** The framework that weights that grade (default SOC 2). */
  framework?: string;
  /** Above this many subscriptions, read through Azure Resource Graph; undefined: never. */
  resourceGraphThreshold?: number;
}

export interface SyncOptions {
  abortSignal?: AbortSignal;
  onProgress?(p: SyncProgress): void;
}

const EMPTY_COUNTS = { subscriptions: 0, resourceGroups: 0, roleAssignments: 0, roleDefinitions: 0, evidence: 0, newEvidence: 0 };

export async function runSync(deps: SyncDeps, connectionId: string, options: SyncOptions = {}): Promise<RunSummary> {
  const { store, clock, log } = deps;
  const conn = store.data.connections.find((c) => c.id === connectionId);
  if (!conn) throw new Error(`No connection with id ${connectionId}.`);
  if (conn.deletedAt) throw new Error(`Connection '${conn.name}' was revoked: it no longer syncs.`);
  const run: RunRecord = { id: newId('run'), connectionId, startedAt: clock.now().toISOString(), status: 'running', counts: { ...EMPTY_COUNTS } };
  await store.update((d) => { d.runs.push(run); }, { rows: [] });
  log.info(`sync ${run.id} of '${conn.name}' started`);
  const abortSignal = options.abortSignal ?? new AbortController().signal;
  const progress = (message: string, done: number, total: number) =>
    options.onProgress?.({ runId: run.id, connectionId, connectionName: conn.name, message, done, total });

  let inventory: Inventory;
  const denied: DeniedSource[] = [];
  try {
    inventory = await read(deps, conn, abortSignal, progress, denied);
  } catch (e) {
    const err = abortSignal.aborted ? new SyncError('cancelled', 'The sync was cancelled.') : toSyncError(e, errorContext(conn));
    return fail(deps, conn, run, err);
  }

  const now = clock.now();
  const at = now.toISOString();
  function* observations() {
    yield* observeEach(inventory, now);
    for (const x of denied) yield* deniedObservations(x);
  }
  await store.update((d) => {
    const stored = keepDenied(inventory, d.inventory, denied, connectionId);
    replaceInventory(d.inventory, stored, connectionId);
    const merged = mergeEvidence(d.evidence, observations(), { connectionId, tenantId: conn.tenantId, runId: run.id, at }, frozenEvidenceIds(d));
    const before = d.connections.find((x) => x.id === connectionId);
    d.assets ??= [];
    const assets = trackAssets(d.assets, assetsOf(stored), { connectionId, tenantId: conn.tenantId, at, baseline: !before?.lastSyncAt });
    const r = d.runs.find((x) => x.id === run.id)!;
    Object.assign(r, {
      status: 'succeeded', endedAt: at,
      counts: {
        subscriptions: inventory.subscriptions.length, resourceGroups: inventory.resourceGroups.length,
        roleAssignments: inventory.roleAssignments.length, roleDefinitions: inventory.roleDefinitions.length,
        evidence: merged.rows, newEvidence: merged.added, secureScores: inventory.secureScores.length,
        storageAccounts: inventory.storageAccounts.length, keyVaults: inventory.keyVaults.length, vaultKeys: inventory.vaultKeys.length,
        vaultSecrets: inventory.vaultSecrets.length, publicIps: inventory.publicIps.length,
        assetsAdded: assets.added.length, assetsRemoved: assets.removed.length,
      },
      ...(denied.length ? { warnings: denied.map((x) => x.message) } : {}),
    });
    const c = d.connections.find((x) => x.id === connectionId)!;
    Object.assign(c, { status: 'active', statusDetail: undefined, lastSyncAt: at });
    const grade = connectionGrade(d, connectionId, clock.now(), deps.gracePeriodDays, deps.framework);
    r.grade = { score: grade.score, letter: grade.letter, framework: grade.framework };
    appendAudit(d, clock.now(), 'sync', connectionId, {
      runId: run.id, ...r.counts, ...(r.warnings ? { warnings: r.warnings } : {}),
      ...(assets.added.length || assets.removed.length ? { assetsAddedIds: assets.added, assetsRemovedIds: assets.removed } : {}),
    });
    Object.assign(run, r);
  }, { rows: [connectionId] });
  log.info(`sync ${run.id} of '${conn.name}' succeeded: ${JSON.stringify(run.counts)}`);
  for (const w of run.warnings ?? []) log.warn(`sync ${run.id}: ${w}`);
  return toRunSummary(run);
}

/** Swaps this connection's rows of every inventory table for the new ones; other connections' rows stay. */
function replaceInventory(target: Inventory, fresh: Inventory, connectionId: string): void {
  for (const key of Object.keys(fresh) as (keyof Inventory)[]) {
    const kept = (target[key] ?? []).filter((r) => r.connectionId !== connectionId);
    (target as unknown as Record<string, unknown[]>)[key] = [...kept, ...fresh[key]];
  }
}

async function read(
  deps: SyncDeps, conn: ConnectionRecord, abortSignal: AbortSignal, progress: (m: string, d: number, t: number) => void, denied: DeniedSource[],
): Promise<Inventory> {
  const cloud = resolveCloud(conn.cloud);
  const material = await deps.credentials.get(conn);
  if (!material) throw new SyncError('missing-credential', missingCredentialMessage(conn));
  const session = await deps.sessions.create(cloud, conn.tenantId, conn.clientId, material);
  return collect({
    session, connectionId: conn.id, tenantId: conn.tenantId, subscriptions: conn.subscriptions, managementGroup: conn.managementGroup,
    errors: { ...errorContext(conn), host: new URL(cloud.armEndpoint).host }, abortSignal,
    concurrency: deps.concurrency, resourceGraphThreshold: deps.resourceGraphThreshold, progress, denied,
  });
}

function errorContext(conn: ConnectionRecord) {
  const updateHint = conn.secretEnv
    ? `set ${conn.secretEnv} to the new secret and run 'rampart sync' (in the editor: 'Rampart: Update Credentials')`
    : conn.certificateFile ? `replace ${conn.certificateFile} and sync again` : undefined;
  return { connectionName: conn.name, clientId: conn.clientId, tenantId: conn.tenantId, updateHint };
}

async function fail(deps: SyncDeps, conn: ConnectionRecord, run: RunRecord, err: SyncError): Promise<RunSummary> {
  const at = deps.clock.now();
  const status = err.code === 'cancelled' ? 'cancelled' : 'failed';
  await deps.store.update((d) => {
    const r = d.runs.find((x) => x.id === run.id)!;
    Object.assign(r, { status, endedAt: at.toISOString(), error: err.message, errorCode: err.code });
    const c = d.connections.find((x) => x.id === conn.id)!;
    if (status === 'failed') {
      c.status = CREDENTIAL_ERRORS.has(err.code) ? 'needs-credentials' : 'error';
      c.statusDetail = err.message;
    }
    appendAudit(d, at, 'sync-failure', conn.id, { runId: run.id, code: err.code, message: err.message });
    Object.assign(run, r);
  }, { rows: [] });
  (status === 'cancelled' ? deps.log.info : deps.log.error)(`sync ${run.id} of '${conn.name}' ${status}: ${err.message}`);
  return toRunSummary(run);
}

/** Runs left 'running' by a daemon that stopped mid-sync are failed at the next start. */
export async function failInterruptedRuns(store: Store, clock: Clock): Promise<number> {
  const stale = store.data.runs.filter((r) => r.status === 'running');
  if (!stale.length) return 0;
  await store.update((d) => {
    for (const r of d.runs) {
      if (r.status !== 'running') continue;
      const error = 'The sync was interrupted: Rampart stopped before it finished. Nothing from it was saved.';
      Object.assign(r, { status: 'failed', endedAt: clock.now().toISOString(), errorCode: 'interrupted', error });
      // Audited like any failed sync, so the audit log accounts for every run.
      appendAudit(d, clock.now(), 'sync-failure', r.connectionId, { runId: r.id, code: 'interrupted', message: error });
    }
  }, { rows: [] });
  return stale.length;
}
