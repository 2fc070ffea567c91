/**
 * Evidence from a sync's inventory: one typed row per observation, mapped to its controls, with a fingerprint over
 * the canonical form of type, subject and data. Merging keeps history: an unchanged observation only moves
 * lastSeenAt; a changed one adds a row; rows no longer observed stay as they were.
 */
import type { EvidenceStatus } from '../protocol';
import type { EvidenceRecord, Inventory, RoleAssignmentRecord, RoleDefinitionRecord } from '../store/schema';
import { randomBytes } from 'node:crypto';
import { canonicalJson, sha256 } from '../util/canonical';
import { evidenceType } from './controls';
import { observePosture } from './posture';

export interface Observation {
  type: string;
  subject: string;
  subscriptionId?: string;
  status: EvidenceStatus;
  reason?: string;
  data: Record<string, unknown>;
}

/** Roles that can grant access to others or change anything: holding them at subscription scope is a finding. */
const PRIVILEGED_ROLES = new Set(['owner', 'user access administrator', 'role based access control administrator']);

/** Every observation of a sync's inventory: access (role assignments, groups) and posture, judged at `now`. */
export function observe(inv: Inventory, now: Date = new Date()): Observation[] {
  return [...observeEach(inv, now)];
}

/**
 * The same observations one at a time: merged as they are made, the tens of thousands a large tenant yields are never
 * all alive at once (held together, they outlived V8's young generation and raised the daemon's peak memory).
 */
export function* observeEach(inv: Inventory, now: Date = new Date()): Generator<Observation> {
  const defs = new Map(inv.roleDefinitions.map((d) => [d.id.toLowerCase(), d]));
  for (const ra of inv.roleAssignments) yield judgeAssignment(ra, defs.get(ra.roleDefinitionId.toLowerCase()));
  for (const rg of inv.resourceGroups) {
    yield {
      type: 'resource-group', subject: rg.id, subscriptionId: rg.subscriptionId, status: 'pass',
      data: { name: rg.name, location: rg.location, tags: rg.tags },
    };
  }
  yield* observePosture(inv, now);
}

function judgeAssignment(ra: RoleAssignmentRecord, def: RoleDefinitionRecord | undefined): Observation {
  const data = { principalId: ra.principalId, principalType: ra.principalType, roleName: ra.roleName, roleDefinitionId: ra.roleDefinitionId, scope: ra.scope };
  const base = { type: 'role-assignment', subject: ra.id, subscriptionId: ra.subscriptionId, data };
  const atSubscriptionOrAbove = !/\/resourcegroups\//i.test(ra.scope);
  const wildcard = def?.roleType === 'CustomRole' && def.actions.some((a) => a.trim() === '*');
  if (PRIVILEGED_ROLES.has(ra.roleName.toLowerCase()) && atSubscriptionOrAbove) {
    if (ra.scope.replace(/\/+$/, '') === '') {
      return {
        ...base, status: 'fail',
        reason: `${ra.principalType} ${ra.principalId} holds ${ra.roleName} at the tenant root (/), over every subscription and management group: ` +
          `the access a Global Administrator gets by elevating. Remove it when the task is done: az role assignment delete --assignee ${ra.principalId} --role "${ra.roleName}" --scope /`,
      };
    }
    return { ...base, status: 'fail', reason: `${ra.principalType} ${ra.principalId} holds ${ra.roleName} at ${ra.scope}: it can grant access to anyone.` };
  }
  if (wildcard) return { ...base, status: 'fail', reason: `Custom role '${ra.roleName}' grants every action ('*').` };
  if (ra.principalType === 'ForeignGroup' && !/reader/i.test(ra.roleName)) {
    return { ...base, status: 'fail', reason: `A group from another tenant holds ${ra.roleName} at ${ra.scope}.` };
  }
  if (!def) return { ...base, status: 'unknown', reason: `Role definition ${ra.roleDefinitionId} could not be read.` };
  return { ...base, status: 'pass' };
}

export function fingerprint(o: Pick<Observation, 'type' | 'subject' | 'data'>): string {
  if (o.data === undefined) return sha256(canonicalJson({ type: o.type, subject: o.subject.toLowerCase() }));
  // canonicalJson({ type, subject, data }) with its keys already in order, without building that object.
  return sha256(`{"data":${canonicalJson(o.data)},"subject":${JSON.stringify(o.subject.toLowerCase())},"type":${JSON.stringify(o.type)}}`);
}

/** Evidence row ids (`ev_` and 16 hex digits, as newId makes them), drawn from one random buffer per merge. */
function idSource(): () => string {
  let pool = '';
  let at = 0;
  return () => {
    if (at + 16 > pool.length) { pool = randomBytes(8 * 4096).toString('hex'); at = 0; }
    at += 16;
    return `ev_${pool.slice(at - 16, at)}`;
  };
}

export interface MergeResult { rows: number; added: number }

/**
 * Merges observations into `rows` (the store's evidence array) in place. Rows in `frozen` (attached to an approved
 * assessment) are never touched: an observation matching one becomes a new row, which later syncs then update.
 */
export function mergeEvidence(
  rows: EvidenceRecord[], observations: Iterable<Observation>,
  owner: { connectionId: string; tenantId: string; runId: string; at: string },
  frozen: ReadonlySet<string> = new Set(),
): MergeResult {
  const byFingerprint = new Map<string, EvidenceRecord>();
  for (const r of rows) if (r.connectionId === owner.connectionId && !frozen.has(r.id)) byFingerprint.set(r.fingerprint, r);
  let added = 0;
  const nextId = idSource();
  const controlsOf = new Map<string, string[]>();
  const controls = (type: string) => {
    let c = controlsOf.get(type);
    if (!c) controlsOf.set(type, c = evidenceType(type)?.controls ?? []);
    return c;
  };
  let seen = 0;
  for (const o of observations) {
    seen++;
    const fp = fingerprint(o);
    const existing = byFingerprint.get(fp);
    if (existing) {
      existing.lastSeenAt = owner.at;
      existing.status = o.status;
      existing.reason = o.reason;
      continue;
    }
    const row: EvidenceRecord = {
      id: nextId(), connectionId: owner.connectionId, tenantId: owner.tenantId, subscriptionId: o.subscriptionId,
      type: o.type, subject: o.subject, observedAt: owner.at, lastSeenAt: owner.at, status: o.status, reason: o.reason,
      controls: controls(o.type), data: o.data, fingerprint: fp, runId: owner.runId,
    };
    rows.push(row);
    byFingerprint.set(fp, row);
    added++;
  }
  return { rows: seen, added };
}

/** One line describing a row, for trees and tables. */
export function evidenceLabel(r: EvidenceRecord): string {
  const d = r.data as Record<string, unknown>;
  if (r.type === 'role-assignment') return `${d.roleName} → ${d.principalType} ${String(d.principalId).slice(0, 8)} at ${shortScope(String(d.scope))}`;
  if (r.type === 'resource-group') return `${d.name} (${d.location})`;
  if (r.type === 'secure-score') {
    const p = typeof d.percentage === 'number' ? `${Math.round(d.percentage * 100)}%` : 'unknown';
    return d.kind === 'overall' ? `Secure score ${p} (${d.current ?? '?'} of ${d.max ?? '?'})` : `${d.displayName ?? d.name}: ${p}`;
  }
  if (r.type === 'public-ip') return `${d.name} ${d.ipAddress ?? '(not allocated)'} → ${d.attachedTo ? String(d.attachedTo).split('/').slice(-2).join(' ') : 'nothing'}`;
  if (r.type === 'key-vault-key' || r.type === 'key-vault-secret') return `${d.vault}/${d.name}${d.expires ? ` expires ${String(d.expires).slice(0, 10)}` : ''}`;
  if (r.type === 'custom-role') return String(d.roleName);
  if (typeof d.name === 'string') return d.resourceGroup ? `${d.name} (rg ${d.resourceGroup})` : d.name;
  return r.subject;
}

function shortScope(scope: string): string {
  const rg = /\/resourceGroups\/([^/]+)/i.exec(scope);
  if (rg) return `rg ${rg[1]}`;
  const sub = /^\/subscriptions\/([^/]+)$/i.exec(scope);
  if (sub) return `subscription ${sub[1].slice(0, 8)}`;
  return scope;
}
