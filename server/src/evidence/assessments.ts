/**
 * Assessments: a named period over some controls and connections, the evidence rows attached to it, and an approval.
 * Approval freezes the attached rows: syncs never change them (mergeEvidence is given `frozenEvidenceIds`) and prune
 * never removes them. These functions change StoreData in place; call them inside a store update.
 */
import type { AssessmentView, NewAssessment } from '../protocol';
import type { AssessmentRecord, EvidenceRecord, StoreData } from '../store/schema';
import { canonicalJson, sha256 } from '../util/canonical';
import { newId } from '../util/ids';
import { DEFAULT_FRAMEWORK } from './catalog';
import { controlsOf } from './controls';
import { rowControls } from './coverage';

export class AssessmentError extends Error {}

/** Ids of every evidence row attached to an approved assessment. */
export function frozenEvidenceIds(data: Pick<StoreData, 'assessments'>): Set<string> {
  const out = new Set<string>();
  for (const a of data.assessments ?? []) if (a.status === 'approved') for (const id of a.evidenceIds) out.add(id);
  return out;
}

export function findAssessment(data: StoreData, idOrName: string): AssessmentRecord {
  const key = idOrName.toLowerCase();
  const list = data.assessments ?? [];
  const a = list.find((x) => x.id === idOrName) ?? list.find((x) => x.name.toLowerCase() === key);
  if (!a) throw new AssessmentError(`No assessment '${idOrName}'. Known: ${list.map((x) => x.name).join(', ') || 'none'}.`);
  return a;
}

/** YYYY-MM-DD or an ISO date-time, as an ISO instant; a bare end date means through the end of that day (UTC). */
export function periodBound(text: string, which: 'from' | 'to'): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T00:00:00.000Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) throw new AssessmentError(`'${text}' is not a date: use YYYY-MM-DD or an ISO date-time.`);
  return new Date(dateOnly && which === 'to' ? ms + 86_400_000 - 1 : ms).toISOString();
}

export function createAssessment(data: StoreData, input: NewAssessment, at: Date, user: string): AssessmentRecord {
  const name = input.name?.trim();
  if (!name) throw new AssessmentError('An assessment needs a name.');
  if ((data.assessments ?? []).some((a) => a.name.toLowerCase() === name.toLowerCase())) {
    throw new AssessmentError(`An assessment named '${name}' already exists.`);
  }
  if (!input.from || !input.to) throw new AssessmentError('An assessment needs a period: from and to.');
  const from = periodBound(input.from, 'from');
  const to = periodBound(input.to, 'to');
  if (from > to) throw new AssessmentError(`The period starts (${from}) after it ends (${to}).`);
  const framework = input.framework ?? DEFAULT_FRAMEWORK;
  const known = controlsOf(framework).map((c) => c.id);
  const controls = input.controls?.length ? input.controls.map((c) => {
    const id = known.find((k) => k.toLowerCase() === c.trim().toLowerCase());
    if (!id) throw new AssessmentError(`No control '${c}' in ${framework}. Known: ${known.join(', ')}.`);
    return id;
  }) : known;
  const connections = input.connections?.length ? input.connections.map((c) => {
    const key = c.toLowerCase();
    const found = data.connections.find((x) => x.id === c) ?? data.connections.find((x) => x.name.toLowerCase() === key);
    if (!found) throw new AssessmentError(`No connection '${c}'. Known: ${data.connections.map((x) => x.name).join(', ') || 'none'}.`);
    return found.id;
  }) : data.connections.filter((c) => !c.deletedAt).map((c) => c.id);
  const record: AssessmentRecord = {
    id: newId('asmt'), name, framework, controls: [...new Set(controls)], connections: [...new Set(connections)], from, to,
    createdAt: at.toISOString(), createdBy: user, status: 'draft', evidenceIds: [],
  };
  data.assessments ??= [];
  data.assessments.push(record);
  return record;
}

/** Whether a row belongs in an assessment: its connection, one of its controls, seen during its period. */
function inScope(a: AssessmentRecord, r: EvidenceRecord): boolean {
  return a.connections.includes(r.connectionId) && r.lastSeenAt >= a.from && r.observedAt <= a.to
    && rowControls(r, a.framework).some((c) => a.controls.includes(c));
}

/**
 * Attaches rows to a draft assessment: explicit ids (each must be in its scope), or with `current` every subject's
 * latest observation during the period for its controls and connections. Returns how many rows were newly attached.
 */
export function attachEvidence(data: StoreData, a: AssessmentRecord, p: { evidenceIds?: string[]; current?: boolean }): number {
  if (a.status === 'approved') throw new AssessmentError(`Assessment '${a.name}' is approved: its evidence can no longer change.`);
  if (!p.current && !p.evidenceIds?.length) throw new AssessmentError('Name the evidence rows to attach, or ask for everything current.');
  const picked: string[] = [];
  if (p.evidenceIds?.length) {
    const byId = new Map(data.evidence.map((r) => [r.id, r]));
    for (const id of p.evidenceIds) {
      const r = byId.get(id);
      if (!r) throw new AssessmentError(`No evidence row '${id}'.`);
      if (!inScope(a, r)) throw new AssessmentError(`Evidence row '${id}' is outside assessment '${a.name}' (its connections, controls or period).`);
      picked.push(id);
    }
  }
  if (p.current) {
    const latest = new Map<string, EvidenceRecord>();
    for (const r of data.evidence) {
      if (!inScope(a, r)) continue;
      const key = `${r.connectionId}\n${r.type}\n${r.subject.toLowerCase()}`;
      const prev = latest.get(key);
      if (!prev || r.lastSeenAt > prev.lastSeenAt || (r.lastSeenAt === prev.lastSeenAt && r.observedAt > prev.observedAt)) latest.set(key, r);
    }
    for (const r of latest.values()) picked.push(r.id);
  }
  const have = new Set(a.evidenceIds);
  let added = 0;
  for (const id of picked) if (!have.has(id)) { have.add(id); a.evidenceIds.push(id); added++; }
  return added;
}

/** The digest an approval records: rows' ids and fingerprints, sorted by id. */
export function assessmentDigest(data: StoreData, a: AssessmentRecord): string {
  const byId = new Map(data.evidence.map((r) => [r.id, r]));
  const rows = [...a.evidenceIds].sort().map((id) => ({ id, fingerprint: byId.get(id)?.fingerprint ?? null }));
  return sha256(canonicalJson(rows));
}

export function approveAssessment(data: StoreData, a: AssessmentRecord, at: Date, user: string): void {
  if (a.status === 'approved') throw new AssessmentError(`Assessment '${a.name}' was already approved by ${a.approvedBy} on ${a.approvedAt}.`);
  if (!a.evidenceIds.length) throw new AssessmentError(`Assessment '${a.name}' has no evidence attached: attach some before approving.`);
  Object.assign(a, { status: 'approved', approvedAt: at.toISOString(), approvedBy: user, digest: assessmentDigest(data, a) });
}

export function toAssessmentView(data: StoreData, a: AssessmentRecord): AssessmentView {
  const byId = new Map<string, EvidenceRecord>();
  const ids = new Set(a.evidenceIds);
  for (const r of data.evidence) if (ids.has(r.id)) byId.set(r.id, r);
  const rows = a.evidenceIds.map((id) => byId.get(id)).filter((r): r is EvidenceRecord => !!r);
  return {
    id: a.id, name: a.name, framework: a.framework, controls: [...a.controls], connections: [...a.connections], from: a.from, to: a.to,
    status: a.status, createdAt: a.createdAt, createdBy: a.createdBy, approvedAt: a.approvedAt, approvedBy: a.approvedBy,
    digest: a.digest, evidenceIds: [...a.evidenceIds], evidenceCount: a.evidenceIds.length,
    failing: rows.filter((r) => r.status === 'fail').length, unknown: rows.filter((r) => r.status === 'unknown').length,
  };
}
