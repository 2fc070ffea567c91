/**
 * Evidence export and the dashboard in the editor: `rampart.exportEvidence` with an argument (no prompts) writes a
 * bundle into the workspace folder that `verifyBundle` accepts; `rampart.openDashboard` opens the webview panel
 * and returns what it rendered.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DashboardRender } from '../../../client/src/dashboard/panel';
import { verifyBundle } from '../../../server/src/export';
import type { ExportResultView } from '../../../server/src/protocol';
import { connectionId, delay, env, note, syncNow, waitFor } from './helpers';

export function registerExportTests(): void {
  describe('evidence export and dashboard', () => {
    const folder = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? env.work;

    it('rampart.exportEvidence {format: bundle, out} after a sync writes a bundle that verifies', async () => {
      assert.equal((await syncNow(connectionId())).status, 'succeeded');
      const out = path.join(folder(), 'e2e-evidence.zip');
      fs.rmSync(out, { force: true });
      const result = await vscode.commands.executeCommand<ExportResultView | undefined>('rampart.exportEvidence', { format: 'bundle', out });
      assert.ok(result, 'the command returned no result (it failed: see the Rampart log)');
      note(`exported ${result.rows} rows, ${result.bytes} bytes, sha256 ${result.sha256.slice(0, 12)}...`);
      assert.equal(result.file, out);
      assert.ok(result.rows > 0, 'rows exported');
      assert.ok(fs.existsSync(out), `${out} exists`);
      const v = await verifyBundle(out);
      assert.ok(v.ok, `verifyBundle: ${v.problems.join('; ')}`);
      assert.ok(v.files > 3 && v.auditRows > 0);
    });

    it('rampart.openDashboard opens the dashboard panel with coverage, history and a strict CSP', async () => {
      const r = await vscode.commands.executeCommand<DashboardRender | undefined>('rampart.openDashboard');
      assert.ok(r, 'the command returned nothing (it failed: see the Rampart log)');
      note(`dashboard: ${r.htmlLength} chars, ${r.data.controls.length} controls, ${r.data.history.length} history points`);
      assert.ok(r.htmlLength > 2000, 'a rendered page');
      assert.ok(r.data.controls.some((c) => c.id === 'CC6.1' && c.evidenceCount > 0), 'CC6.1 has evidence');
      assert.ok(r.data.history.length >= 1, 'a point per successful sync');
      const { high, medium, low } = r.data.findings.bySeverity;
      assert.ok(high + medium + low > 0 && r.data.findings.bySubscription.length > 0, 'findings by severity and subscription');
      assert.match(r.csp, /^default-src 'none'; /);
      assert.doesNotMatch(r.csp, /script-src|unsafe/);
      // The tab model reaches the extension host a moment after the panel is created.
      const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === 'Rampart Dashboard');
      await waitFor(() => tabs().length === 1, { timeout: 10_000, message: 'a "Rampart Dashboard" tab' });
      // Opening again reveals the same panel.
      const again = await vscode.commands.executeCommand<DashboardRender | undefined>('rampart.openDashboard');
      assert.ok(again && again.htmlLength > 2000);
      await delay(300);
      assert.equal(tabs().length, 1, 'one dashboard tab');
      await vscode.window.tabGroups.close(tabs());
    });
  });
}
