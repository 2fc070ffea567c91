/**
 * Failed syncs: a rotated secret and a failing ARM route. Each run fails with a message the user can act on, is
 * recorded in the connection's recent runs, and leaves the evidence of the earlier good sync in place.
 */
import * as assert from 'node:assert/strict';
import {
  VIEWS, connectionId, emulator, note, expectedCounts, flatten, itemText, sampleApp, state, storedEvidence, syncNow, viewItems,
  waitFor,
} from './helpers';
import { CONNECTION_NAME, controlItem } from './sync.test';

/** Words an error uses when it tells the user what to do next. */
const ACTION = /\b(update|re-?enter|rotate|replace|renew|check|create|set|run|ask|grant)\b/i;

async function assertEvidenceKept(): Promise<void> {
  assert.ok(state.evidenceAfterSync, 'no evidence count from the first sync');
  assert.equal((await storedEvidence(connectionId())).length, state.evidenceAfterSync, 'evidence rows in the store');
  assert.ok(controlItem(await viewItems(VIEWS.evidence, 1), 'CC6.1'), 'CC6.1 still in the Evidence view');
}

export function registerFailureTests(): void {
  describe('failed syncs keep the earlier evidence', () => {
    const restore = async () => {
      const app = sampleApp();
      await emulator('PATCH', `/_emulator/apps/${app.clientId}`, { secret: app.secret });
      await emulator('DELETE', '/_emulator/faults');
    };
    after(restore);

    it('a rotated secret fails the run with AADSTS7000215 and a hint', async () => {
      await emulator('PATCH', `/_emulator/apps/${sampleApp().clientId}`, { secret: `rotated-${Date.now()}` });
      const run = await syncNow(connectionId());
      assert.equal(run.status, 'failed');
      const error = run.error ?? '';
      note(`error (${run.errorCode}): ${error}`);
      assert.match(error, /AADSTS7000215|secret/i, `error names the secret: ${error}`);
      assert.match(error, ACTION, `error says what to do: ${error}`);
      assert.doesNotMatch(error, /\n\s+at /, 'no stack trace in the message');
    });

    it('the evidence from the earlier sync is still there', assertEvidenceKept);

    it('a 500 on role assignments fails the run after the SDK retries', async () => {
      await restore();
      await emulator('DELETE', '/_emulator/requests');
      // No `times`: every role-assignment request fails until the faults are cleared, whatever the retry count.
      await emulator('POST', '/_emulator/faults', { route: 'roleAssignments', status: 500 });
      const run = await syncNow(connectionId());
      assert.equal(run.status, 'failed', `expected a failed run, got ${JSON.stringify(run)}`);
      assert.ok(run.error, 'the failed run carries an error');
      note(`error (${run.errorCode}): ${run.error}`);
      const requests = (await emulator('GET', '/_emulator/requests')) as { path: string; status: number }[];
      const failed = requests.filter((r) => /roleAssignments/i.test(r.path) && r.status === 500);
      assert.ok(failed.length >= 2, `role assignments were retried (${failed.length} answered 500)`);
    });

    it('the Connections view shows the failed run under Recent runs', async () => {
      await waitFor(async () => {
        const conn = (await viewItems(VIEWS.connections, 4)).find((i) => i.label === CONNECTION_NAME);
        const recent = flatten(conn?.children).find((i) => /recent runs/i.test(i.label));
        if (!recent) throw new Error(`no "Recent runs" under ${JSON.stringify(conn)}`);
        return flatten(recent.children).some((r) => /fail/i.test(itemText(r) + ' ' + (r.contextValue ?? '')));
      }, { timeout: 10_000, message: 'a failed run under Recent runs' });
    });

    it('the evidence is still there after the failed run', assertEvidenceKept);

    it('once the fault is cleared the next sync succeeds', async () => {
      await emulator('DELETE', '/_emulator/faults');
      const run = await syncNow(connectionId());
      assert.equal(run.status, 'succeeded', `run failed: ${run.error} (${run.errorCode})`);
      assert.equal(run.counts.roleAssignments, expectedCounts().roleAssignments);
    });
  });
}
