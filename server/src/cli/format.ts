/** Plain-text rendering of CLI results. Colour only on a TTY. */
import type { ConnectionSummary, ControlCoverage, ControlEvidenceSummary, EvidenceRowView, RunSummary } from '../protocol';

const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (s: string) => (tty ? `\u001b[${code}m${s}\u001b[0m` : s);
export const bold = paint(1), red = paint(31), green = paint(32), yellow = paint(33), dim = paint(2);

export function runLine(r: RunSummary): string {
  const c = r.counts;
  if (r.status === 'succeeded') {
    return `${green('succeeded')}  ${c.subscriptions} subscriptions, ${c.resourceGroups} resource groups, ${c.roleAssignments} role assignments, ` +
      `${c.roleDefinitions} role definitions; ${c.evidence} evidence rows (${c.newEvidence} new)`;
  }
  return `${r.status === 'cancelled' ? yellow(r.status) : red(r.status)}  ${r.error ?? ''}`;
}

export function connectionBlock(c: ConnectionSummary): string {
  const last = c.recentRuns[0];
  const lines = [
    `${bold(c.name)}  ${dim(c.id)}${c.deletedAt ? `  ${dim(`revoked ${c.deletedAt.slice(0, 10)}, history kept until ${c.pruneAfter?.slice(0, 10)}`)}` : ''}`,
    `  status       ${c.status}${c.statusDetail ? ` — ${c.statusDetail}` : ''}`,
    `  tenant       ${c.tenantId}   client ${c.clientId}   cloud ${c.cloud.name === 'Custom' ? c.cloud.armEndpoint : c.cloud.name}`,
    `  last sync    ${c.lastSyncAt ?? 'never'}`,
    `  subscriptions ${c.subscriptions.length}: ${c.subscriptions.map((s) => s.name).join(', ') || '-'}${c.managementGroup ? ` (management group ${c.managementGroup})` : ''}`,
  ];
  // The setup warning of a connection that has since become active (while unfinished it is the status detail).
  if (c.setup?.warning && c.status !== 'verified') lines.push(`  permissions  ${c.setup.warning.split('\n')[0]}`);
  if (last) lines.push(`  last run     ${runLine(last)}`);
  return lines.join('\n');
}

export function evidenceTable(summary: ControlEvidenceSummary[], coverage: ControlCoverage[]): string {
  const lines = [bold('Evidence by control')];
  for (const cov of coverage) {
    const s = summary.find((x) => x.control === cov.control);
    const rows = s?.types.reduce((n, t) => n + t.count, 0) ?? 0;
    const failing = s?.types.reduce((n, t) => n + t.failing, 0) ?? 0;
    const unknown = s?.types.reduce((n, t) => n + t.unknown, 0) ?? 0;
    const state = cov.state === 'covered' ? green(cov.state) : cov.state === 'failing' ? red(cov.state) : cov.state === 'none' ? dim(cov.state) : yellow(cov.state);
    lines.push(`  ${cov.control.padEnd(6)} ${cov.title.slice(0, 56).padEnd(56)} ${String(rows).padStart(5)} rows  ${String(failing).padStart(3)} failing  ${String(unknown).padStart(3)} unknown  ${state} ${cov.percent}%  ${dim(cov.expectedTypes.join(', '))}`);
  }
  return lines.join('\n');
}

/**
 * Failing rows, one line per distinct finding: the same finding in several subscriptions (an assignment at a
 * management group or the tenant root, which every subscription below inherits) is one line saying in how many.
 */
export function findingsBlock(findings: EvidenceRowView[], max = 15): string {
  if (!findings.length) return bold('Findings') + '\n  none';
  const distinct = new Map<string, { row: EvidenceRowView; subscriptions: Set<string> }>();
  for (const f of findings) {
    const key = `${f.controls.join(',')}\0${f.reason ?? f.label}`;
    const d = distinct.get(key) ?? distinct.set(key, { row: f, subscriptions: new Set() }).get(key)!;
    d.subscriptions.add(f.subscriptionId ?? '');
  }
  const groups = [...distinct.values()];
  const lines = [bold(`Findings (${findings.length}${groups.length < findings.length ? `, ${groups.length} distinct` : ''})`)];
  for (const { row: f, subscriptions } of groups.slice(0, max)) {
    const where = subscriptions.size > 1 ? dim(` (in ${subscriptions.size} subscriptions)`) : '';
    lines.push(`  ${red('fail')}  ${f.controls.join(',').padEnd(17)} ${f.reason ?? f.label}${where}`);
  }
  if (groups.length > max) lines.push(dim(`  ... and ${groups.length - max} more (rampart status --json)`));
  return lines.join('\n');
}

/** Evidence the API did not fully answer for: never counted as passing. */
export function unknownBlock(rows: EvidenceRowView[], max = 8): string {
  if (!rows.length) return bold('Unknown') + '\n  none';
  const lines = [bold(`Unknown (${rows.length}): not returned by the API, so not counted as passing`)];
  for (const r of rows.slice(0, max)) lines.push(`  ${yellow('unknown')}  ${r.label}: ${r.reason ?? ''}`);
  if (rows.length > max) lines.push(dim(`  ... and ${rows.length - max} more (rampart status --json)`));
  return lines.join('\n');
}
