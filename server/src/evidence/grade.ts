/**
 * The posture grade: 100 minus what current failing findings cost, weighted by severity (one table, by evidence type
 * and reason) and by control of the chosen framework (SOC 2 by default, or ISO/IEC 27001:2022: each control can cost
 * at most its weight; each framework's weights sum to 100). A finding is charged once, to whichever of its controls
 * (in that framework) has the most weight left. A failing row of an asset in its grace period
 * (assets.ts) costs nothing.
 * Every grade is explainable: its deductions ({finding, control, points}) always sum to exactly 100 − score.
 */
import type { EvidenceRecord } from '../store/schema';
import { DEFAULT_FRAMEWORK } from './catalog';
import { controlsOf } from './controls';
import { rowControls } from './coverage';
import { evidenceLabel } from './evidence';

export type Severity = 'high' | 'medium' | 'low';
export type GradeLetter = 'A' | 'B' | 'C' | 'D' | 'F';

export interface GradeDeduction {
  /** The evidence row's id, its label and why it fails. */
  evidenceId: string;
  finding: string;
  reason?: string;
  connectionId: string;
  type: string;
  severity: Severity;
  control: string;
  points: number;
}

export interface Grade {
  /** The framework whose controls weighted the grade ('soc2' or 'iso27001'). */
  framework: string;
  score: number;
  letter: GradeLetter;
  /** Largest first; zero-point findings (their control already at its cap) are counted in `capped`, not listed. */
  deductions: GradeDeduction[];
  findings: number;
  /** Failing rows of assets in their grace period: shown, not charged. */
  inGrace: number;
  /** Findings that cost nothing because their control had already lost its whole weight. */
  capped: number;
}

/** Points a finding costs before the control cap. */
export const SEVERITY_POINTS: Record<Severity, number> = { high: 10, medium: 5, low: 2 };

/**
 * The most a control can cost, per framework (each sums to 100): access, privilege and exposure weigh most, then
 * detection and cryptography, then registration and inventory. A control not listed can cost at most
 * DEFAULT_CONTROL_WEIGHT.
 */
export const FRAMEWORK_CONTROL_WEIGHTS: Record<string, Record<string, number>> = {
  soc2: { 'CC6.1': 25, 'CC6.3': 20, 'CC6.6': 20, 'CC7.1': 15, 'CC6.2': 10, 'CC6.7': 10 },
  iso27001: { 'A.5.15': 20, 'A.8.2': 20, 'A.8.20': 15, 'A.8.24': 15, 'A.5.17': 10, 'A.5.18': 10, 'A.8.8': 5, 'A.5.9': 5 },
};
const DEFAULT_CONTROL_WEIGHT = 10;

/** A framework's control weights; throws UnknownFrameworkError (controls.ts) for a framework the catalog lacks. */
export function controlWeights(framework: string = DEFAULT_FRAMEWORK): Record<string, number> {
  controlsOf(framework);
  return FRAMEWORK_CONTROL_WEIGHTS[framework] ?? {};
}

/** Severity by evidence type, refined by the failure's reason: the first matching rule wins; no match is low. */
const SEVERITY_RULES: { type: string; reason?: RegExp; severity: Severity }[] = [
  { type: 'role-assignment', reason: /can grant access|every action|another tenant/i, severity: 'high' },
  { type: 'role-assignment', severity: 'medium' },
  { type: 'custom-role', reason: /every action|can change access/i, severity: 'high' },
  { type: 'custom-role', severity: 'medium' },
  { type: 'storage-account', reason: /anonymous|public|network default action allow/i, severity: 'high' },
  { type: 'storage-account', severity: 'medium' },
  { type: 'key-vault', reason: /public network|default action allow/i, severity: 'high' },
  { type: 'key-vault', severity: 'medium' },
  { type: 'key-vault-key', reason: /expired/i, severity: 'high' },
  { type: 'key-vault-key', severity: 'medium' },
  { type: 'key-vault-secret', reason: /expired/i, severity: 'high' },
  { type: 'key-vault-secret', severity: 'medium' },
  { type: 'secure-score', severity: 'medium' },
  { type: 'public-ip', severity: 'low' },
];

export function severityOf(r: Pick<EvidenceRecord, 'type' | 'reason'>): Severity {
  const rule = SEVERITY_RULES.find((x) => x.type === r.type && (!x.reason || x.reason.test(r.reason ?? '')));
  return rule?.severity ?? 'low';
}

export function letterOf(score: number): GradeLetter {
  return score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';
}


/**
 * The control a finding is charged to: of its controls, the one with the most weight left (then the heaviest, then
 * the first); 'unmapped' when it has none.
 */
function chargedControl(controls: string[], left: Map<string, number>, weightOf: (c: string) => number): string {
  const room = (c: string) => left.get(c) ?? weightOf(c);
  let best: string | undefined;
  for (const c of controls) {
    if (best === undefined || room(c) > room(best) || (room(c) === room(best) && weightOf(c) > weightOf(best))) best = c;
  }
  return best ?? 'unmapped';
}

/**
 * The grade of current rows (only failing ones count), weighted by `framework`'s controls (default SOC 2); `inGrace`
 * excuses rows of assets in their grace period.
 */
export function computeGrade(rows: EvidenceRecord[], inGrace?: (r: EvidenceRecord) => boolean, framework: string = DEFAULT_FRAMEWORK): Grade {
  const weights = controlWeights(framework);
  const weightOf = (control: string) => weights[control] ?? DEFAULT_CONTROL_WEIGHT;
  const candidates: (GradeDeduction & { controls: string[] })[] = [];
  let excused = 0;
  for (const r of rows) {
    if (r.status !== 'fail') continue;
    if (inGrace?.(r)) { excused++; continue; }
    const severity = severityOf(r);
    candidates.push({
      evidenceId: r.id, finding: evidenceLabel(r), reason: r.reason, connectionId: r.connectionId, type: r.type, severity,
      control: '', controls: rowControls(r, framework), points: SEVERITY_POINTS[severity],
    });
  }
  // Largest first, then by label, so which findings a cap cuts off is stable.
  candidates.sort((a, b) => b.points - a.points || a.finding.localeCompare(b.finding) || a.evidenceId.localeCompare(b.evidenceId));
  const left = new Map<string, number>();
  let budget = 100;
  const deductions: GradeDeduction[] = [];
  let capped = 0;
  for (const { controls, ...d } of candidates) {
    const control = chargedControl(controls, left, weightOf);
    const room = Math.min(left.get(control) ?? weightOf(control), budget);
    const points = Math.min(d.points, room);
    if (points <= 0) { capped++; continue; }
    left.set(control, (left.get(control) ?? weightOf(control)) - points);
    budget -= points;
    deductions.push({ ...d, control, points });
  }
  const score = budget;
  return { framework, score, letter: letterOf(score), deductions, findings: candidates.length, inGrace: excused, capped };
}
