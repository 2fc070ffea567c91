/**
 * Revoke keeps history: a revoked connection's evidence stays in the Evidence view for the retention window, greyed
 * (disabled-foreground icon, "(revoked)"), after the live connection's rows, which keep their status colors. Uses a
 * connection of its own, so the connection the sync suite made stays live for later suites.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { VIEWS, connect, emulatorConnection, flatten, sampleApp, viewItems } from './helpers';

export function registerRevokedEvidenceTests(): void {
  describe('revoked connection evidence', () => {
    it('shows greyed with "(revoked)" in the Evidence view; live rows keep their colors', async () => {
      const { connection, runs } = await connect(emulatorConnection('e2e-revoked'), sampleApp().secret);
      assert.equal(runs[0]?.status, 'succeeded', runs[0]?.error);
      await vscode.commands.executeCommand('rampart.revokeConnection', { connectionId: connection.id, confirm: false });

      const rows = flatten(await viewItems(VIEWS.evidence, 3)).filter((i) => i.contextValue?.startsWith('evidenceRow.'));
      const greyed = rows.filter((i) => i.contextValue?.startsWith('evidenceRow.revoked.'));
      const live = rows.filter((i) => !i.contextValue?.startsWith('evidenceRow.revoked.'));
      assert.ok(greyed.length > 0, 'the revoked connection\'s rows are shown');
      assert.ok(live.length > 0, 'the live connection\'s rows are shown');
      for (const r of greyed) {
        assert.match(r.description ?? '', /^(pass|fail|unknown) \(revoked\)$/);
        assert.equal(r.icon?.color, 'disabledForeground', `${r.label} is greyed`);
        assert.match(r.tooltip ?? '', /revoked connection/);
      }
      for (const r of live) assert.notEqual(r.icon?.color, 'disabledForeground', `${r.label} is not greyed`);
      const types = flatten(await viewItems(VIEWS.evidence, 2)).filter((i) => i.contextValue === 'evidenceType');
      assert.ok(types.some((t) => /\d+ revoked/.test(t.description ?? '')), 'a type counts its revoked rows');
    });
  });
}
