/**
 * Inline-SVG charts shared by the bundle's index.html (server/src/export/html.ts) and the editor's dashboard
 * (client/src/dashboard): the same functions draw both, so an auditor's page and the dashboard agree. Pure string
 * building, no Node or DOM API, no script and no style attribute (strict CSPs allow neither): colors come from the
 * classes below, which each page maps to its own palette (CSS variables).
 *
 * Classes: .lbl (text), .muted, .track (background bars, grid), .ok, .bad, .part, .none (fills), .line (stroke);
 * severities .high, .medium, .low (fills) and their legend swatches .sw.high, .sw.medium, .sw.low.
 */
import type { SeverityCounts } from './findings';

export const escapeHtml = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const esc = escapeHtml;

/** A control as the coverage chart needs it. */
export interface ChartControl {
  id: string;
  title: string;
  /** Expected evidence types present and passing, in percent. */
  percent: number;
  /** Fill class: ok (fully covered), bad (failing), part (some evidence), none. */
  cls: 'ok' | 'bad' | 'part' | 'none';
}

/** A horizontal bar chart of coverage per control. */
export function coverageSvg(controls: ChartControl[]): string {
  const rowH = 26, labelW = 90, barW = 360, h = controls.length * rowH + 8;
  const bars = controls.map((c, i) => {
    const y = i * rowH + 4;
    const w = Math.round((barW * c.percent) / 100);
    return `<g><title>${esc(c.id)} ${esc(c.title)}: ${c.percent}%</title>` +
      `<text x="0" y="${y + 16}" class="lbl">${esc(c.id)}</text>` +
      `<rect x="${labelW}" y="${y}" width="${barW}" height="20" class="track"/>` +
      `<rect x="${labelW}" y="${y}" width="${w}" height="20" class="${c.cls}"/>` +
      `<text x="${labelW + barW + 8}" y="${y + 16}" class="lbl">${c.percent}%</text></g>`;
  }).join('');
  return `<svg role="img" aria-label="Coverage per control" width="${labelW + barW + 60}" height="${h}" viewBox="0 0 ${labelW + barW + 60} ${h}">${bars}</svg>`;
}

export type StatusCounts = Record<'pass' | 'fail' | 'unknown', number>;

/** One part of a stacked bar: a count, its fill class, and what it counts (for the tooltip). */
export interface Segment { n: number; cls: string; label: string }

const statusSegments = (c: StatusCounts): Segment[] => [
  { n: c.pass, cls: 'ok', label: 'pass' }, { n: c.fail, cls: 'bad', label: 'fail' }, { n: c.unknown, cls: 'part', label: 'unknown' },
];
const severitySegments = (c: SeverityCounts): Segment[] => [
  { n: c.high, cls: 'high', label: 'high' }, { n: c.medium, cls: 'medium', label: 'medium' }, { n: c.low, cls: 'low', label: 'low' },
];

/** A single stacked bar. */
export function segmentBarSvg(segments: Segment[], ariaLabel: string, width = 450): string {
  const total = segments.reduce((n, s) => n + s.n, 0) || 1;
  let x = 0;
  const rects = segments.map((s) => {
    const w = Math.round((width * s.n) / total);
    const out = s.n ? `<rect x="${x}" y="0" width="${w}" height="22" class="${s.cls}"><title>${esc(s.label)}: ${s.n}</title></rect>` : '';
    x += w;
    return out;
  }).join('');
  return `<svg role="img" aria-label="${esc(ariaLabel)}" width="${width}" height="22">${rects}</svg>`;
}

/** One labelled stacked bar per group (e.g. per subscription), all on one scale. */
export function segmentBarsSvg(groups: { label: string; segments: Segment[] }[], ariaLabel: string): string {
  const rowH = 26, labelW = 220, barW = 300;
  const sum = (g: { segments: Segment[] }) => g.segments.reduce((n, s) => n + s.n, 0);
  const max = Math.max(1, ...groups.map(sum));
  const h = groups.length * rowH + 8;
  const rows = groups.map((g, i) => {
    const y = i * rowH + 4;
    let x = labelW;
    const bars = g.segments.map((s) => {
      const w = Math.round((barW * s.n) / max);
      const out = s.n ? `<rect x="${x}" y="${y}" width="${w}" height="20" class="${s.cls}"/>` : '';
      x += w;
      return out;
    }).join('');
    const label = g.label.length > 30 ? `${g.label.slice(0, 29)}…` : g.label;
    return `<g><title>${esc(g.label)}: ${g.segments.map((s) => `${s.n} ${esc(s.label)}`).join(', ')}</title>` +
      `<text x="0" y="${y + 16}" class="lbl">${esc(label)}</text>${bars}` +
      `<text x="${labelW + barW + 8}" y="${y + 16}" class="lbl">${sum(g)}</text></g>`;
  }).join('');
  return `<svg role="img" aria-label="${esc(ariaLabel)}" width="${labelW + barW + 60}" height="${h}" viewBox="0 0 ${labelW + barW + 60} ${h}">${rows}</svg>`;
}

/** A single stacked bar of rows by status. */
export function statusSvg(by: StatusCounts, width = 450): string {
  return segmentBarSvg(statusSegments(by), 'Evidence rows by status', width);
}

/** One labelled stacked bar per group (e.g. per subscription): pass, fail, unknown. */
export function stackedBarsSvg(groups: { label: string; counts: StatusCounts }[], ariaLabel: string): string {
  return segmentBarsSvg(groups.map((g) => ({ label: g.label, segments: statusSegments(g.counts) })), ariaLabel);
}

/**
 * Findings by severity, overall and per subscription, with their legend: the same block on the dashboard and in the
 * bundle's index.html. `headingTag` is the pages' section heading level.
 */
export function findingsHtml(f: { bySeverity: SeverityCounts; bySubscription: ({ name: string } & SeverityCounts)[] }, headingTag = 'h2'): string {
  const h = (t: string) => `<${headingTag}>${t}</${headingTag}>`;
  const total = f.bySeverity.high + f.bySeverity.medium + f.bySeverity.low;
  if (!total) return `${h('Findings by severity')}\n<p class="muted">No findings: no evidence row fails.</p>`;
  const legend = '<p class="legend muted"><span><i class="sw high"></i>high</span><span><i class="sw medium"></i>medium</span><span><i class="sw low"></i>low</span></p>';
  return `${h('Findings by severity')}
${segmentBarSvg(severitySegments(f.bySeverity), 'Findings by severity')}
<p>${total} findings: ${f.bySeverity.high} high, ${f.bySeverity.medium} medium, ${f.bySeverity.low} low.</p>
${legend}
${h('Findings by subscription')}
${segmentBarsSvg(f.bySubscription.map((s) => ({ label: s.name, segments: severitySegments(s) })), 'Findings by subscription and severity')}`;
}

/** A line of percentages over time (0-100 on the y axis), one point per entry, oldest first. */
export function percentLineSvg(points: { at: string; percent: number; title?: string }[], ariaLabel: string): string {
  const w = 520, h = 180, left = 40, right = 12, top = 10, bottom = 28;
  const pw = w - left - right, ph = h - top - bottom;
  const x = (i: number) => left + (points.length <= 1 ? pw / 2 : (pw * i) / (points.length - 1));
  const y = (p: number) => top + ph - (ph * Math.max(0, Math.min(100, p))) / 100;
  const grid = [0, 25, 50, 75, 100].map((p) =>
    `<line x1="${left}" y1="${y(p)}" x2="${w - right}" y2="${y(p)}" class="grid"/><text x="0" y="${y(p) + 4}" class="lbl small">${p}%</text>`).join('');
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)} ${y(p.percent).toFixed(1)}`).join(' ');
  const dots = points.map((p, i) =>
    `<circle cx="${x(i).toFixed(1)}" cy="${y(p.percent).toFixed(1)}" r="3" class="dot"><title>${esc(p.title ?? p.at)}: ${p.percent}%</title></circle>`).join('');
  const axis = points.length
    ? `<text x="${left}" y="${h - 8}" class="lbl small">${esc(points[0].at.slice(0, 10))}</text>` +
      (points.length > 1 ? `<text x="${w - right}" y="${h - 8}" class="lbl small" text-anchor="end">${esc(points[points.length - 1].at.slice(0, 10))}</text>` : '')
    : `<text x="${left + 8}" y="${top + ph / 2}" class="lbl">No successful sync yet</text>`;
  return `<svg role="img" aria-label="${esc(ariaLabel)}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${grid}` +
    (points.length ? `<path d="${path}" class="line"/>` : '') + `${dots}${axis}</svg>`;
}

/** Coverage over time: percent of controls fully covered after each successful sync run, oldest first. */
export function coverageHistorySvg(points: { at: string; percentCovered: number; covered: number; controls: number }[]): string {
  return percentLineSvg(points.map((p) => ({ at: p.at, percent: p.percentCovered, title: `${p.at}: ${p.covered} of ${p.controls} controls covered` })), 'Coverage over time');
}

/** CSS for the classes above, over variables each page sets (--fg, --muted, --ok, --bad, --part, --track, --line). */
export const CHART_CSS = `.lbl{fill:var(--fg);font-size:13px}.small{font-size:11px}.track{fill:var(--track)}
.ok{fill:var(--ok)}.bad{fill:var(--bad)}.part{fill:var(--part)}.none{fill:var(--track)}
.grid{stroke:var(--track);stroke-width:1}.line{fill:none;stroke:var(--line);stroke-width:2}.dot{fill:var(--line)}
.high{fill:var(--bad)}.medium{fill:var(--part)}.low{fill:var(--line)}.legend span{margin-right:1rem}
.sw{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:-.05em}.sw.high{background:var(--bad)}.sw.medium{background:var(--part)}.sw.low{background:var(--line)}`;
