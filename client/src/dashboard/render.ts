/**
 * The dashboard's HTML, built in the extension: inline SVG from the same chart functions as the evidence bundle's
 * index.html (server/src/export/charts.ts), theme colors from the --vscode-* variables, and a Content-Security-Policy
 * that allows only the webview's own styles and the one nonce'd <style>: no script, no remote resource.
 * No vscode import, so unit tests render it directly.
 */
import type { DashboardData } from '../../../server/src/protocol';
import { CHART_CSS, type ChartControl, coverageHistorySvg, coverageSvg, escapeHtml as esc, findingsHtml, stackedBarsSvg, statusSvg } from '../../../server/src/export/charts';

export interface RenderOptions {
  /** webview.cspSource. */
  cspSource: string;
  /** A fresh random value per render, allowed in style-src. */
  nonce: string;
}

const CSS = `
:root{--fg:var(--vscode-foreground);--muted:var(--vscode-descriptionForeground);--ok:var(--vscode-charts-green);--bad:var(--vscode-charts-red);
--part:var(--vscode-charts-yellow);--track:var(--vscode-editorWidget-border,var(--vscode-widget-border,#8884));--line:var(--vscode-charts-blue)}
body{font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);color:var(--fg);padding:0 1.5rem 2rem;max-width:70rem}
h1{font-size:1.5em;font-weight:600}h2{font-size:1.15em;font-weight:600;margin-top:1.8rem}.muted{color:var(--muted)}
.grid2{display:flex;flex-wrap:wrap;gap:0 3rem}.card{min-width:28rem}
table{border-collapse:collapse}td,th{text-align:left;padding:.2rem .8rem .2rem 0;border-bottom:1px solid var(--track)}
.warn{color:var(--vscode-editorWarning-foreground,var(--part))}
.sw.ok{background:var(--ok)}.sw.bad{background:var(--bad)}.sw.part{background:var(--part)}
${CHART_CSS}`;

const CLASS: Record<DashboardData['controls'][number]['state'], ChartControl['cls']> = { covered: 'ok', failing: 'bad', partial: 'part', stale: 'part', none: 'none' };

export function renderDashboard(d: DashboardData, o: RenderOptions): string {
  const csp = `default-src 'none'; img-src ${o.cspSource}; style-src ${o.cspSource} 'nonce-${o.nonce}'`;
  const controls = d.controls.map((c) => ({ id: c.id, title: c.title, percent: c.percent, cls: CLASS[c.state] }));
  const covered = d.controls.filter((c) => c.state === 'covered').length;
  const rows = d.byStatus.pass + d.byStatus.fail + d.byStatus.unknown;
  const legend = '<p class="legend muted"><span><i class="sw ok"></i>passing</span><span><i class="sw bad"></i>failing</span><span><i class="sw part"></i>unknown / partial / stale</span></p>';
  const stale = d.staleConnections.length
    ? `<ul>${d.staleConnections.map((c) => `<li class="warn">${esc(c.name)} <span class="muted">last successful sync ${esc(c.lastSyncAt ?? 'never')}</span></li>`).join('')}</ul>`
    : '<p class="muted">None: every connection synced within the stale threshold.</p>';
  const types = d.failingByType.length
    ? `<table><thead><tr><th>Evidence type</th><th>Failing</th><th>Unknown</th></tr></thead><tbody>${d.failingByType.map((t) => `<tr><td>${esc(t.type)}</td><td>${t.fail}</td><td>${t.unknown}</td></tr>`).join('')}</tbody></table>`
    : '<p class="muted">No failing or unknown evidence.</p>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Rampart Dashboard</title><style nonce="${o.nonce}">${CSS}</style></head><body>
<h1>Rampart Dashboard</h1>
<p class="muted">Framework ${esc(d.framework)} · ${covered} of ${d.controls.length} controls covered · ${rows} current evidence rows · as of ${esc(d.generatedAt)}</p>
<div class="grid2">
<section class="card"><h2>Coverage per control</h2>
${coverageSvg(controls)}
${legend}</section>
<section class="card"><h2>Coverage over time</h2>
<p class="muted">Percent of controls fully covered after each successful sync run.</p>
${coverageHistorySvg(d.history)}
</section>
</div>
<div class="grid2">
<section class="card">${findingsHtml(d.findings)}</section>
<section class="card"><h2>Evidence by status</h2>
${statusSvg(d.byStatus)}
<p>${d.byStatus.pass} passing, <span class="warn">${d.byStatus.fail} failing</span>, ${d.byStatus.unknown} unknown.</p>
<h2>Evidence by subscription</h2>
${d.bySubscription.length ? stackedBarsSvg(d.bySubscription.map((s) => ({ label: s.name, counts: { pass: s.pass, fail: s.fail, unknown: s.unknown } })), 'Evidence by subscription') : '<p class="muted">No evidence yet.</p>'}
</section>
</div>
<h2>Failing and unknown evidence by type</h2>
${types}
<h2>Stale connections</h2>
${stale}
</body></html>
`;
}
