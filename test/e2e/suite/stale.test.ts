/**
 * Staleness in the editor: with a stale threshold shorter than the time since the last sync, Control Coverage turns
 * the connection's controls to "stale" and the extension warns (the warning also goes to the Rampart log); a sync
 * makes them fresh again.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { VIEWS, connectionId, flatten, itemText, note, rampartLogFiles, syncNow, viewItems, waitFor } from './helpers';
import { CONNECTION_NAME } from './sync.test';

const staleItems = async () => flatten(await viewItems(VIEWS.coverage, 1)).filter((i) => /\bstale\b/i.test(itemText(i)));

export function registerStaleTests(): void {
  describe('stale evidence', () => {
    const config = () => vscode.workspace.getConfiguration('rampart');
    after(async () => { await config().update('staleAfter', undefined, vscode.ConfigurationTarget.Global); });

    it('a threshold shorter than the time since the last sync turns coverage stale and warns', async () => {
      assert.equal((await syncNow(connectionId())).status, 'succeeded');
      // 0.02 minutes: the evidence is stale a moment after the sync.
      await config().update('staleAfter', '0.02m', vscode.ConfigurationTarget.Global);
      const stale = await waitFor(async () => {
        const items = await staleItems();
        return items.length > 0 ? items : undefined;
      }, { timeout: 20_000, message: 'a control shows as stale in Control Coverage' });
      note(`stale: ${stale.map((i) => i.label).join(', ')}`);
      await waitFor(() => rampartLogFiles().some((f) => fs.readFileSync(f, 'utf8').includes(`Evidence of '${CONNECTION_NAME}' is stale`)),
        { timeout: 20_000, message: 'the stale warning reached the Rampart log' });
    });

    it('with the default threshold, a fresh sync clears it', async () => {
      await config().update('staleAfter', undefined, vscode.ConfigurationTarget.Global);
      assert.equal((await syncNow(connectionId())).status, 'succeeded');
      await waitFor(async () => (await staleItems()).length === 0, { timeout: 20_000, message: 'no control is stale any more' });
    });
  });
}
