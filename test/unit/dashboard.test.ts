import { strict as assert } from 'node:assert';
import type { DashboardData } from '../../server/src/protocol';
import { renderDashboard } from '../../client/src/dashboard/render';
import { coverageHistory, dashboardData } from '../../server/src/export/dashboard';
import { emptyStore, type EvidenceRecord } from '../../server/src/store/schema';

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
    findings: { bySeverity: { high: 1, medium: 1, low: 0 }, bySubscription: [{ subscriptionId: 's1', name: HOSTILE, high: 1, medium: 1, low: 0 }] },
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

  it('draws the charts: coverage per control, over time, by status and by subscription, findings by severity; escapes tenant text', () => {
    for (const label of ['Coverage per control', 'Coverage over time', 'Evidence rows by status', 'Evidence by subscription', 'Findings by severity', 'Findings by subscription and severity']) {
      assert.match(html, new RegExp(`<svg role="img" aria-label="${label}"`));
    }
    assert.match(html, /<path d="M[\d.]+ [\d.]+ L[\d.]+ [\d.]+" class="line"\/>/);
    assert.ok(!html.includes('<img'), 'hostile names are escaped');
    assert.match(html, /&#60;img src=x onerror=alert\(1\)&#62;/);
    assert.match(html, /1 of 2 controls covered/);
    assert.match(html, /2 findings: 1 high, 1 medium, 0 low\./);
    assert.match(html, /<rect x="0" y="0" width="225" height="22" class="high"><title>high: 1<\/title>/);
  });

  it('says so when there is no history or evidence yet', () => {
    const empty = renderDashboard(data({ history: [], bySubscription: [], failingByType: [], staleConnections: [] }), { cspSource: 'x', nonce: 'n' });
    assert.match(empty, /No successful sync yet/);
    assert.match(empty, /No failing or unknown evidence/);
    assert.match(empty, /None: every connection synced/);
    const none = renderDashboard(data({ findings: { bySeverity: { high: 0, medium: 0, low: 0 }, bySubscription: [] } }), { cspSource: 'x', nonce: 'n' });
    assert.match(none, /No findings: no evidence row fails\./);
    assert.doesNotMatch(none, /aria-label="Findings by severity"/);
  });
});

describe('dashboard data: findings by severity and subscription', () => {
  it("counts current failing rows by the grade's severity, per subscription, most severe first", () => {
    const data = emptyStore();
    const at = '2026-03-01T00:00:00.000Z';
    data.connections.push({ id: 'c1', name: 'Prod', tenantId: 't', clientId: 'a', credentialKind: 'secret', subscriptions: [], createdAt: at, status: 'active', lastSyncAt: at } as unknown as typeof data.connections[number]);
    data.inventory.subscriptions.push({ connectionId: 'c1', tenantId: 't', id: '/subscriptions/s1', subscriptionId: 's1', name: 'Alpha', state: 'Enabled' });
    let n = 0;
    const row = (subscriptionId: string | undefined, type: string, status: EvidenceRecord['status'], reason?: string, lastSeenAt = at): EvidenceRecord => ({
      connectionId: 'c1', tenantId: 't', id: `e${++n}`, subscriptionId, type, subject: `x${n}`, observedAt: at, lastSeenAt, status, reason,
      controls: ['CC6.1'], data: {}, fingerprint: `f${n}`, runId: 'r1',
    });
    data.evidence.push(
      row('s1', 'storage-account', 'fail', 'Anonymous blob access is allowed'), // high
      row('s1', 'key-vault-key', 'fail', 'No rotation policy'), // medium
      row('s2', 'public-ip', 'fail', 'Public IP attached'), // low, subscription not in the inventory
      row(undefined, 'custom-role', 'fail', 'Grants every action (*)'), // high, tenant-wide
      row('s1', 'storage-account', 'pass'),
      row('s1', 'storage-account', 'unknown'),
      row('s1', 'storage-account', 'fail', 'Anonymous blob access is allowed', '2026-02-01T00:00:00.000Z'), // not current
    );
    const d = dashboardData(data, { now: new Date(at), staleAfterMs: 86_400_000 });
    assert.deepEqual(d.findings.bySeverity, { high: 2, medium: 1, low: 1 });
    assert.deepEqual(d.findings.bySubscription, [
      { subscriptionId: 's1', name: 'Alpha', high: 1, medium: 1, low: 0 },
      { subscriptionId: '', name: '(tenant-wide)', high: 1, medium: 0, low: 0 },
      { subscriptionId: 's2', name: 's2', high: 0, medium: 0, low: 1 },
    ]);
  });
});

describe('dashboard data: coverage over time', () => {
  it("counts, at the period's first run, a connection whose last sync was just before the period", () => {
    const data = emptyStore();
    const counts = { subscriptions: 1, resourceGroups: 0, roleAssignments: 0, roleDefinitions: 0, evidence: 1, newEvidence: 1 };
    const run = (id: string, connectionId: string, endedAt: string) => data.runs.push({ id, connectionId, startedAt: endedAt, endedAt, status: 'succeeded', counts });
    const row = (connectionId: string, control: string, seenAt: string): EvidenceRecord => ({
      connectionId, tenantId: 't', id: `${connectionId}-e`, type: 'storage-account', subject: `${connectionId}-sa`, observedAt: seenAt, lastSeenAt: seenAt,
      status: 'pass', controls: [control], data: {}, fingerprint: `${connectionId}-f`, runId: 'r',
    });
    for (const id of ['c1', 'c2']) data.connections.push({ id, name: id, tenantId: 't', clientId: 'a', credentialKind: 'secret', subscriptions: [], createdAt: '2026-01-01T00:00:00.000Z', status: 'active' } as unknown as typeof data.connections[number]);
    run('r1', 'c1', '2026-01-10T00:00:00.000Z'); // c1's last sync: before the period
    run('r2', 'c2', '2026-01-20T00:00:00.000Z');
    run('r3', 'c2', '2026-01-25T00:00:00.000Z');
    data.evidence.push(row('c1', 'CC6.1', '2026-01-10T00:00:00.000Z'), { ...row('c2', 'CC6.6', '2026-01-20T00:00:00.000Z'), lastSeenAt: '2026-01-25T00:00:00.000Z' });
    // SOC 2's six controls; one storage-account row makes CC6.1 20% and CC6.6 33%: both connections (20 + 33) / 6 = 9%,
    // c2 alone 33 / 6 = 6%.
    const points = coverageHistory(data, 'soc2', 60, { from: '2026-01-15T00:00:00.000Z' });
    assert.deepEqual(points.map((p) => [p.runId, p.meanPercent]), [['r2', 9], ['r3', 9]]);
    // The limit keeps the most recent points of the period.
    assert.deepEqual(coverageHistory(data, 'soc2', 1, { from: '2026-01-15T00:00:00.000Z' }).map((p) => p.runId), ['r3']);
    assert.deepEqual(coverageHistory(data, 'soc2', 60, { to: '2026-01-20T00:00:00.000Z' }).map((p) => p.runId), ['r1', 'r2']);
  });
});
