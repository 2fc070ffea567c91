/**
 * A 403 on one posture source (the secure score, as for a connector without Security Reader) does not fail the
 * sync: the run succeeds with a warning naming the role, and the Connections view shows that run in the warning
 * colour with the warning in its tooltip.
 */
import * as assert from 'node:assert/strict';
import { VIEWS, connectionId, emulator, flatten, state, syncNow, viewItems } from './helpers';

export function registerRunWarningTests(): void {
  describe('a posture source the connector may not read', () => {
    after(async () => { await emulator('DELETE', '/_emulator/faults'); });

    it('the run succeeds with a warning, shown on the run in the Connections view', async () => {
      await emulator('POST', '/_emulator/faults', { route: 'secureScore', forbidden: true });
      const run = await syncNow(connectionId());
      assert.equal(run.status, 'succeeded', `run failed: ${run.error} (${run.errorCode})`);
      assert.ok(run.warnings?.length, 'the run lists a warning');
      assert.ok(run.warnings!.every((w) => /secure score.*\(403\).*Security Reader/.test(w)), run.warnings!.join('\n'));
      const conn = (await viewItems(VIEWS.connections, 4)).find((i) => i.label === state.connection?.name);
      const item = flatten(conn?.children).find((i) => i.contextValue === 'run.succeeded' && i.tooltip?.includes(run.warnings![0]));
      assert.ok(item, 'the run with its warning is under Recent runs');
      assert.deepEqual(item.icon, { id: 'warning', color: 'list.warningForeground' });
    });
  });
}
