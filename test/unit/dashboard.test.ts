import { strict as assert } from 'node:assert';
import type { DashboardData } from '../../server/src/protocol';
import { renderDashboard } from '../../client/src/dashboard/render';

const HOSTILE = '<img src=x onerror=alert(1)> "quoted" & \'single\'';

function data(over: Partial<DashboardData> = {}): DashboardData {
  return {
    framework: 'soc2', generatedAt: '2026-03-01T00:00:00.000Z',
    controls: [
      { id: 'CC6.1', title: 'Logical access', percent: 100, state: 'covered', evidenceCount: 10, failing: 0, unknown: 0 },
      { id: 'CC6.6', title: HOSTILE, percent: 50, state: 'failing', evidenceCount: 4, failing: 2, unknown: 0 },
    ],
    history: [
      { at: '2026-02-01T00:00:00.000Z', runId: 'r1', connectionId: 'c1', percentCovered: 0, meanPercent: 20, covered: 0, controls: 2 },
      { at: '2026-02-02T00:00:00.000Z', runId: 'r2', connectionId: 'c1', percentCovered: 50, meanPercent: 75, covered: 1, controls: 2 },
    ],
    byStatus: { pass: 10, fail: 2, unknown: 2 },
    bySubscription: [{ subscriptionId: 's1', name: HOSTILE, pass: 10, fail: 2, unknown: 2 }],
    failingByType: [{ type: 'storage-account', fail: 2, unknown: 0 }],
    staleConnections: [{ id: 'c2', name: HOSTILE, lastSyncAt: '2026-01-01T00:00:00.000Z' }],
    ...over,
  };
}

describe('dashboard page', () => {
  const html = renderDashboard(data(), { cspSource: 'https://webview.example', nonce: 'N0nce' });

  it('has a strict CSP: nothing by default, styles from the webview and the nonce only, no script', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.equal(csp, "default-src 'none'; img-src https://webview.example; style-src https://webview.example 'nonce-N0nce'");
    assert.doesNotMatch(html, /<script|unsafe-inline|unsafe-eval|<[^>]*\s(style|on\w+)=/i);
    assert.equal([...html.matchAll(/<style/g)].length, 1);
    assert.match(html, /<style nonce="N0nce">/);
  });

  it('loads nothing remote and themes through --vscode-* variables', () => {
    const urls = [...html.matchAll(/(?:https?:)?\/\/[^\s"'<)]+/g)].map((m) => m[0]).filter((u) => !u.startsWith('https://webview.example'));
    assert.deepEqual(urls, []);
    assert.match(html, /var\(--vscode-charts-green\)/);
    assert.match(html, /var\(--vscode-foreground\)/);
  });

  it('draws the charts: coverage per control, over time, by status and by subscription; escapes tenant text', () => {
    for (const label of ['Coverage per control', 'Coverage over time', 'Evidence rows by status', 'Evidence by subscription']) {
      assert.match(html, new RegExp(`<svg role="img" aria-label="${label}"`));
    }
    assert.match(html, /<path d="M[\d.]+ [\d.]+ L[\d.]+ [\d.]+" class="line"\/>/);
    assert.ok(!html.includes('<img'), 'hostile names are escaped');
    assert.match(html, /&#60;img src=x onerror=alert\(1\)&#62;/);
    assert.match(html, /1 of 2 controls covered/);
  });

  it('says so when there is no history or evidence yet', () => {
    const empty = renderDashboard(data({ history: [], bySubscription: [], failingByType: [], staleConnections: [] }), { cspSource: 'x', nonce: 'n' });
    assert.match(empty, /No successful sync yet/);
    assert.match(empty, /No failing or unknown evidence/);
    assert.match(empty, /None: every connection synced/);
  });
});
