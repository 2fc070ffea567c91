/**
 * Posture grades in exports: the grade over the export's connections and each organization's rolled-up grade (only
 * its connections in scope), weighted by the export's framework, each with its explanation (the deductions, which sum
 * to 100 − score). A grade is the posture at the export time, over current evidence, whatever period the scope names.
 * JSON carries it as `grades`, CSV as a second file beside the first, the bundle as grades.json and a section of
 * index.html, OSCAL as one observation per grade.
 */
import { frameworkTitle } from '../evidence/catalog';
import { DEFAULT_STALE_AFTER_MS } from '../evidence/coverage';
import type { Grade } from '../evidence/grade';
import { connectionsUnder, organizationsOf, postureOf, rowsByConnection } from '../evidence/organizations';
import type { OrganizationRecord, StoreData } from '../store/schema';
import { escapeHtml } from './charts';
import { csvLine } from './csv';
import type { ExportScope } from './query';
import { uuidV5 } from './uuid';

export const GRADES_SCHEMA = 'rampart-grades/1';

export interface ExportGradeDeduction {
  evidenceId: string; connectionId: string; type: string; finding: string; reason?: string; severity: string; control: string; points: number;
}
export interface ExportGrade {
  score: number; letter: string; findings: number; inGrace: number; capped: number;
  /** Largest first; their points sum to 100 − score. */
  deductions: ExportGradeDeduction[];
}
export interface ExportOrganizationGrade extends ExportGrade {
  id: string; name: string; parentId?: string;
  /** Names from the root down to this organization. */
  path: string[];
  primaryDomain?: string; visibility: string;
  /** Connections in scope the grade covers (this node's and its descendants'). */
  connections: string[];
  coveragePercent: number;
}
export interface ExportGrades {
  schema: typeof GRADES_SCHEMA;
  framework: string;
  frameworkTitle: string;
  /** The instant the grades were judged at (the export time). */
  asOf: string;
  gracePeriodDays: number;
  /** Every connection in scope. */
  overall: ExportGrade & { connections: string[] };
  /** Organizations with at least one connection in scope, parents before their subsidiaries. */
  organizations: ExportOrganizationGrade[];
}

export interface GradeOptions { now: Date; gracePeriodDays?: number; staleAfterMs?: number }

function exportGrade(g: Grade): ExportGrade {
  return {
    score: g.score, letter: g.letter, findings: g.findings, inGrace: g.inGrace, capped: g.capped,
    deductions: g.deductions.map((d) => ({
      evidenceId: d.evidenceId, connectionId: d.connectionId, type: d.type, finding: d.finding, ...(d.reason ? { reason: d.reason } : {}),
      severity: d.severity, control: d.control, points: d.points,
    })),
  };
}

/** The grades of a resolved scope, judged at `o.now`. */
export function computeExportGrades(data: StoreData, scope: ExportScope, o: GradeOptions): ExportGrades {
  const inScope = new Set(scope.connections.map((c) => c.id));
  const rollup = { now: o.now, framework: scope.framework, gracePeriodDays: o.gracePeriodDays ?? 60, staleAfterMs: o.staleAfterMs ?? DEFAULT_STALE_AFTER_MS };
  const scoped = data.connections.filter((c) => inScope.has(c.id));
  const byConnection = rowsByConnection(data);
  const overall = postureOf(data, scoped, rollup, byConnection).grade;
  const all = organizationsOf(data);
  const byId = new Map(all.map((x) => [x.id, x]));
  const pathOf = (org: OrganizationRecord): string[] => {
    const names: string[] = [];
    for (let at: OrganizationRecord | undefined = org; at && names.length <= all.length; at = at.parentId ? byId.get(at.parentId) : undefined) names.unshift(at.name);
    return names;
  };
  const organizations: ExportOrganizationGrade[] = [];
  for (const org of all) {
    const conns = connectionsUnder(data, org.id).filter((c) => inScope.has(c.id));
    if (!conns.length) continue;
    const p = postureOf(data, conns, rollup, byConnection);
    organizations.push({
      id: org.id, name: org.name, ...(org.parentId ? { parentId: org.parentId } : {}), path: pathOf(org),
      ...(org.primaryDomain ? { primaryDomain: org.primaryDomain } : {}), visibility: org.visibility,
      connections: conns.map((c) => c.id), coveragePercent: p.coveragePercent, ...exportGrade(p.grade),
    });
  }
  organizations.sort((a, b) => a.path.join('\u0000').localeCompare(b.path.join('\u0000')));
  return {
    schema: GRADES_SCHEMA, framework: scope.framework, frameworkTitle: frameworkTitle(scope.framework),
    asOf: o.now.toISOString(), gracePeriodDays: rollup.gracePeriodDays,
    overall: { ...exportGrade(overall), connections: scoped.map((c) => c.id) }, organizations,
  };
}

/** The CSV grades file: one record per deduction of each grade, plus one per grade with no deduction. */
export function gradesCsv(g: ExportGrades): string {
  const out = [csvLine(['grade', 'organizationId', 'framework', 'score', 'letter', 'findings', 'inGrace', 'points', 'control', 'severity', 'finding', 'reason', 'evidenceId', 'connectionId', 'asOf'])];
  const add = (name: string, id: string, x: ExportGrade) => {
    const head = [name, id, g.framework, x.score, x.letter, x.findings, x.inGrace];
    if (!x.deductions.length) out.push(csvLine([...head, 0, '', '', '', '', '', '', g.asOf]));
    for (const d of x.deductions) out.push(csvLine([...head, d.points, d.control, d.severity, d.finding, d.reason, d.evidenceId, d.connectionId, g.asOf]));
  };
  add('All connections in scope', '', g.overall);
  for (const o of g.organizations) add(o.path.join(' / '), o.id, o);
  return out.join('');
}

/** The CSV grades file's name beside the evidence file: evidence.csv → evidence.grades.csv. */
export function gradesCsvPath(out: string): string {
  return /\.csv$/i.test(out) ? out.replace(/\.csv$/i, '.grades.csv') : `${out}.grades.csv`;
}

/** index.html's section: each grade with its letter, score and its largest deductions. */
export function gradesHtml(g: ExportGrades | undefined, top = 10): string {
  if (!g) return '';
  const esc = escapeHtml;
  const block = (title: string, x: ExportGrade) => `<h3>${esc(title)}: ${esc(x.letter)} (${x.score}/100)</h3>` +
    `<p class="muted">${x.findings} finding(s)${x.inGrace ? `, ${x.inGrace} in their grace period (not charged)` : ''}${x.capped ? `, ${x.capped} at a control's cap (not charged)` : ''}</p>` +
    (x.deductions.length
      ? `<table><thead><tr><th>Points</th><th>Control</th><th>Severity</th><th>Finding</th></tr></thead><tbody>${x.deductions.slice(0, top).map((d) =>
        `<tr><td>−${d.points}</td><td>${esc(d.control)}</td><td>${esc(d.severity)}</td><td>${esc(d.finding)}${d.reason ? `: ${esc(d.reason)}` : ''}</td></tr>`).join('')}</tbody></table>` +
        (x.deductions.length > top ? `<p class="muted">… ${x.deductions.length - top} more in grades.json</p>` : '')
      : '<p>No deductions.</p>');
  return `<h2>Posture grades</h2>\n<p class="muted">Weighted by ${esc(g.frameworkTitle)} controls, as of ${esc(g.asOf)}; grades.json lists every deduction.</p>\n` +
    [block('All connections in scope', g.overall), ...g.organizations.map((o) => block(o.path.join(' / '), o))].join('\n') + '\n';
}

/**
 * OSCAL observations, one per grade: score, letter and framework as props, each deduction as a prop too. `prop` makes
 * a prop in Rampart's namespace (oscal.ts).
 */
export function gradeObservations(g: ExportGrades, prop: (name: string, value: string) => unknown): unknown[] {
  const one = (key: string, title: string, x: ExportGrade) => ({
    uuid: uuidV5(`grade:${g.framework}:${key}:${g.asOf}`),
    title: `Posture grade of ${title}: ${x.letter} (${x.score}/100)`,
    description: `Rampart posture grade weighted by ${g.frameworkTitle} controls: 100 minus ${100 - x.score} point(s) for ${x.deductions.length} charged finding(s)` +
      `${x.inGrace ? `; ${x.inGrace} finding(s) of assets in their ${g.gracePeriodDays}-day grace period not charged` : ''}.`,
    props: [
      prop('grade-score', String(x.score)), prop('grade-letter', x.letter), prop('grade-framework', g.framework),
      ...x.deductions.map((d) => prop('grade-deduction', `-${d.points} ${d.control} ${d.severity}: ${d.finding}`)),
    ],
    methods: ['TEST'],
    collected: g.asOf,
  });
  return [one('overall', 'all connections in scope', g.overall), ...g.organizations.map((o) => one(o.id, o.path.join(' / '), o))];
}
