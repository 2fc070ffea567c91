/**
 * The organization tree: a parent company with subsidiaries, each connection publishing its Azure assets as an
 * organization of its own. Posture rolls up: a node's coverage, findings and grade cover the connections attached to
 * it and to every descendant. Pure functions over the store's data; core/organizations.ts writes.
 */
import type { OrganizationNode } from '../protocol';
import type { ConnectionRecord, EvidenceRecord, OrganizationRecord, StoreData } from '../store/schema';
import { assetsInGrace, graceMatcher } from './assets';
import { DEFAULT_STALE_AFTER_MS, computeCoverage, currentEvidence, staleConnections } from './coverage';
import { computeGrade } from './grade';

export class OrganizationError extends Error {}

export interface RollupOptions {
  now: Date;
  framework?: string;
  staleAfterMs?: number;
  gracePeriodDays?: number;
}

export function organizationsOf(data: StoreData): OrganizationRecord[] {
  return data.organizations ?? [];
}

/** An organization by id or (case-insensitive) name. */
export function findOrganization(data: StoreData, idOrName: string): OrganizationRecord | undefined {
  const all = organizationsOf(data);
  const key = idOrName.toLowerCase();
  return all.find((o) => o.id === idOrName) ?? all.find((o) => o.name.toLowerCase() === key);
}

export function requireOrganization(data: StoreData, idOrName: string): OrganizationRecord {
  const o = findOrganization(data, idOrName);
  if (!o) throw new OrganizationError(`No organization '${idOrName}'. Known: ${organizationsOf(data).map((x) => x.name).join(', ') || 'none'}.`);
  return o;
}

/** The ids of an organization and all its descendants. */
export function subtreeIds(all: OrganizationRecord[], rootId: string): Set<string> {
  const out = new Set<string>([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const o of all) if (o.parentId && out.has(o.parentId) && !out.has(o.id)) { out.add(o.id); grew = true; }
  }
  return out;
}

/** Live connections attached to an organization or one of its descendants. */
export function connectionsUnder(data: StoreData, orgId: string): ConnectionRecord[] {
  const ids = subtreeIds(organizationsOf(data), orgId);
  return data.connections.filter((c) => !c.deletedAt && c.organizationId !== undefined && ids.has(c.organizationId));
}

function currentRows(data: StoreData, connections: ConnectionRecord[]): EvidenceRecord[] {
  const last = new Map(connections.map((c) => [c.id, c.lastSyncAt]));
  return currentEvidence(data.evidence, last);
}

/** Current rows by connection, read in one pass, for roll-ups that ask for many sets of connections. */
export function rowsByConnection(data: StoreData): Map<string, EvidenceRecord[]> {
  const out = new Map<string, EvidenceRecord[]>();
  for (const r of currentRows(data, data.connections)) {
    const list = out.get(r.connectionId);
    if (list) list.push(r); else out.set(r.connectionId, [r]);
  }
  return out;
}

/**
 * Grade and coverage over a set of connections, with staleness and grace judged at `o.now`. `byConnection`
 * (rowsByConnection) saves re-reading every row when one caller asks for many sets.
 */
export function postureOf(data: StoreData, connections: ConnectionRecord[], o: RollupOptions, byConnection?: Map<string, EvidenceRecord[]>) {
  const rows = byConnection ? connections.flatMap((c) => byConnection.get(c.id) ?? []) : currentRows(data, connections);
  const inGrace = graceMatcher(assetsInGrace(data.assets ?? [], o.now, o.gracePeriodDays ?? 60));
  const stale = staleConnections(connections, o.now, o.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);
  const coverage = computeCoverage(rows, { framework: o.framework, stale, inGrace });
  const grade = computeGrade(rows, inGrace, o.framework);
  const coveragePercent = coverage.length ? Math.round(coverage.reduce((s, c) => s + c.percent, 0) / coverage.length) : 0;
  return { grade, coverage, coveragePercent };
}

/** The grade of one connection's current evidence (kept on each succeeded run), weighted by `framework`. */
export function connectionGrade(data: StoreData, connectionId: string, now: Date, gracePeriodDays = 60, framework?: string) {
  const c = data.connections.find((x) => x.id === connectionId);
  return computeGrade(c ? currentRows(data, [c]) : [], graceMatcher(assetsInGrace(data.assets ?? [], now, gracePeriodDays)), framework);
}

/** The whole tree, roots first, children by name; each node with its roll-up. */
export function organizationTree(data: StoreData, o: RollupOptions): OrganizationNode[] {
  const all = organizationsOf(data);
  const known = new Set(all.map((x) => x.id));
  const byConnection = rowsByConnection(data);
  const build = (org: OrganizationRecord): OrganizationNode => {
    const own = data.connections.filter((c) => !c.deletedAt && c.organizationId === org.id);
    const ownIds = new Set(own.map((c) => c.id));
    const { grade, coverage, coveragePercent } = postureOf(data, connectionsUnder(data, org.id), o, byConnection);
    const history = data.runs
      .filter((r) => ownIds.has(r.connectionId) && r.status === 'succeeded' && r.grade)
      .slice(-20)
      .map((r) => ({ runId: r.id, connectionId: r.connectionId, at: r.endedAt ?? r.startedAt, score: r.grade!.score, letter: r.grade!.letter }));
    const children = all.filter((x) => x.parentId === org.id).sort((a, b) => a.name.localeCompare(b.name)).map(build);
    return {
      id: org.id, name: org.name, parentId: org.parentId, primaryDomain: org.primaryDomain, description: org.description,
      visibility: org.visibility, connections: own.map((c) => ({ id: c.id, name: c.name })), grade, coveragePercent, coverage, history, children,
    };
  };
  return all.filter((x) => !x.parentId || !known.has(x.parentId)).sort((a, b) => a.name.localeCompare(b.name)).map(build);
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const MAX_NAME = 100;

/** Checks an organization against the others (name given and unique, visibility known, domain well formed). */
export function validateOrganization(others: OrganizationRecord[], input: { name: string; visibility?: string; primaryDomain?: string }): void {
  const name = input.name.trim();
  if (!name) throw new OrganizationError('An organization needs a name.');
  if (name.length > MAX_NAME) throw new OrganizationError(`An organization name has at most ${MAX_NAME} characters.`);
  if (others.some((o) => o.name.toLowerCase() === name.toLowerCase())) throw new OrganizationError(`An organization named '${name}' already exists.`);
  if (input.visibility !== undefined && input.visibility !== 'private' && input.visibility !== 'shared') {
    throw new OrganizationError(`Visibility must be private or shared, not '${input.visibility}'.`);
  }
  const domain = input.primaryDomain?.trim();
  if (domain && !DOMAIN.test(domain)) throw new OrganizationError(`'${domain}' is not a domain such as contoso.com.`);
}
