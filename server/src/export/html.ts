/**
 * The bundle's index.html: a page an auditor can open from the unzipped folder (or the zip viewer) with no network:
 * inline CSS and SVG only, and a Content-Security-Policy that forbids everything else, so evidence text (tenant
 * controlled) can never load or run anything even if escaping were missed.
 */
import type { ExportContext } from './context';
import { type ChartControl, CHART_CSS, coverageSvg, escapeHtml, coverageHistorySvg, findingsHtml, statusSvg } from './charts';
import { gradesHtml } from './grades';
import type { ControlTally } from './query';

export interface BundleFileEntry { path: string; sha256: string; bytes: number }

const esc = escapeHtml;

/** The chart classes of a control's tally: satisfied green, failing red, some evidence amber, none grey. */
export function chartControls(controls: ControlTally[]): ChartControl[] {
  return controls.map((c) => ({
    id: c.id, title: c.title, percent: c.percent,
    cls: c.status === 'satisfied' ? 'ok' : c.failing ? 'bad' : c.evidenceCount ? 'part' : 'none',
  }));
}

const CSS = `
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--ok:#1a7f37;--bad:#cf222e;--part:#bf8700;--track:#eaeef2;--line:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--ok:#3fb950;--bad:#f85149;--part:#d29922;--track:#21262d;--line:#4493f8}}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:var(--fg);background:var(--bg);margin:2rem auto;max-width:60rem;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--track);vertical-align:top}
code{font-size:12px;word-break:break-all}
${CHART_CSS}
.s-satisfied{color:var(--ok)}.s-not-satisfied{color:var(--bad)}`;

/**
 * Renders index.html for a bundle; `files` are the bundle's other files with their hashes. The charts are the
 * dashboard's: coverage per control, coverage over time (the scope's successful runs within the period), evidence by
 * status, findings by severity and by subscription.
 */
export function renderIndexHtml(ctx: ExportContext, files: BundleFileEntry[], runs: number, auditRows: number): string {
  const { scope, tally } = ctx;
  const history = ctx.src.coverageHistory(scope.connections.map((c) => c.id), scope.from, scope.to);
  const period = `${scope.from?.slice(0, 10) ?? (tally.firstObservedAt?.slice(0, 10) ?? '—')} to ${scope.to?.slice(0, 10) ?? ctx.exportedAt.slice(0, 10)}`;
  const controls = tally.controls.map((c) => `<tr><td><a href="evidence/${esc(c.id)}.json">${esc(c.id)}</a></td><td>${esc(c.title)}</td>` +
    `<td class="s-${c.status}">${c.status}</td><td>${c.percent}%</td><td>${c.evidenceCount}</td><td>${c.failing}</td><td>${c.unknown}</td>` +
    `<td>${c.expectedTypes.filter((t) => !c.passingTypes.includes(t)).map(esc).join(', ') || '—'}</td></tr>`).join('\n');
  const fileRows = files.map((f) => `<tr><td><a href="${esc(f.path)}">${esc(f.path)}</a></td><td>${f.bytes}</td><td><code>${f.sha256}</code></td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Rampart evidence bundle</title><style>${CSS}</style></head><body>
<h1>Rampart evidence bundle</h1>
<p class="muted">Framework ${esc(scope.framework)} · period ${esc(period)} · exported ${esc(ctx.exportedAt)}${scope.assessment ? ` · assessment ${esc(scope.assessment.name)}` : ''}</p>
<p>Connections: ${scope.connections.map((c) => `${esc(c.name)} <span class="muted">(tenant ${esc(c.tenantId)}${c.revoked ? ', revoked' : ''})</span>`).join(', ') || 'none'}</p>
<h2>Coverage per control</h2>
${coverageSvg(chartControls(tally.controls))}
<h2>Coverage over time</h2>
<p class="muted">Percent of controls fully covered after each successful sync run in the period.</p>
${coverageHistorySvg(history)}
<h2>Evidence rows by status</h2>
${statusSvg(tally.byStatus)}
<p>${tally.rows} rows: ${tally.byStatus.pass} passing, ${tally.byStatus.fail} failing, ${tally.byStatus.unknown} unknown. ${runs} sync runs, ${auditRows} audit-log rows.</p>
${findingsHtml(tally.findings)}
<table><thead><tr><th>Control</th><th>Title</th><th>Status</th><th>Coverage</th><th>Rows</th><th>Failing</th><th>Unknown</th><th>Expected types not passing</th></tr></thead>
<tbody>${controls}</tbody></table>
${gradesHtml(ctx.grades)}<h2>Files</h2>
<p class="muted">manifest.json lists the SHA-256 of every file; <code>rampart verify THIS.zip</code> re-checks them and the audit-log chain.</p>
<table><thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>${fileRows}</tbody></table>
</body></html>
`;
}
