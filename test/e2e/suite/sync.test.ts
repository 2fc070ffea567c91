/** Connecting to the emulator syncs the sample tenant, and the three views show what was read. */
import * as assert from 'node:assert/strict';
import {
  VIEWS, api, connect, note, emulator, emulatorConnection, expectedCounts, flatten, itemText, sampleApp, scenario, state,
  storedEvidence, viewItems, waitFor, type ViewItem,
} from './helpers';

export const CONNECTION_NAME = 'E2E Emulator';

/** The view item of a control such as CC6.1 (its label may carry the title: "CC6.1 Logical access ..."). */
export function controlItem(items: ViewItem[], control: string): ViewItem | undefined {
  return flatten(items).find((i) => i.label === control || i.label.startsWith(control + ' ') || i.label.startsWith(control + ':'));
}

export function registerSyncTests(): void {
  describe('connect and sync against the emulator', () => {
    before(async () => {
      await api();
      await emulator('DELETE', '/_emulator/faults');
    });

    it('rampart.connect creates the connection and its first run succeeds', async () => {
      const result = await connect(emulatorConnection(CONNECTION_NAME), sampleApp().secret);
      state.connection = result.connection;
      assert.equal(result.connection.name, CONNECTION_NAME);
      assert.equal(result.runs.length, 1, 'one run for the new connection');
      const [run] = result.runs;
      state.firstRun = run;
      note(`run ${run.status}: ${JSON.stringify(run.counts)}`);
      assert.equal(run.status, 'succeeded', `run failed: ${run.error} (${run.errorCode})`);
    });

    it('the run counts match the sample scenario', () => {
      const run = state.firstRun;
      assert.ok(run, 'no first run');
      const expected = expectedCounts();
      assert.ok(expected.subscriptions >= 2 && expected.resourceGroups >= 10 && expected.roleAssignments >= 50, `sample scenario smaller than promised: ${JSON.stringify(expected)}`);
      assert.deepEqual(
        { subscriptions: run.counts.subscriptions, resourceGroups: run.counts.resourceGroups, roleAssignments: run.counts.roleAssignments },
        expected,
      );
      assert.ok(run.counts.evidence > 0, 'evidence rows were recorded');
    });

    it('the Connections view shows the connection with its subscriptions', async () => {
      const expectedSubs = scenario().subscriptions.filter((s) => (s.state ?? 'Enabled') !== 'Deleted').map((s) => s.displayName);
      const item = await waitFor(async () => {
        const items = await viewItems(VIEWS.connections, 4);
        const conn = items.find((i) => i.label === CONNECTION_NAME);
        const text = flatten(conn?.children).map(itemText).join('\n');
        return conn && expectedSubs.every((name) => text.includes(name)) ? conn : undefined;
      }, { timeout: 15_000, message: `"${CONNECTION_NAME}" with subscriptions ${expectedSubs.join(', ')} in the Connections view` });
      assert.ok(item.children?.length, 'the connection item has children');
    });

    it('the Evidence view shows CC6.1 and CC6.6 with rows', async () => {
      const items = await waitFor(async () => {
        const all = await viewItems(VIEWS.evidence, 3);
        return controlItem(all, 'CC6.1') && controlItem(all, 'CC6.6') ? all : undefined;
      }, { timeout: 15_000, message: 'CC6.1 and CC6.6 in the Evidence view' });
      for (const control of ['CC6.1', 'CC6.6']) {
        const item = controlItem(items, control)!;
        assert.ok(flatten(item.children).length > 0, `${control} has evidence under it`);
        const rows = (await storedEvidence(state.connection?.id)).filter((r) => Array.isArray(r.controls) && (r.controls as string[]).includes(control));
        assert.ok(rows.length > 0, `the store holds ${control} evidence rows`);
      }
      state.evidenceAfterSync = (await storedEvidence(state.connection?.id)).length;
      assert.ok(state.evidenceAfterSync > 0, 'evidence rows in the store');
    });

    it('the Control Coverage view lists controls', async () => {
      const items = await waitFor(async () => {
        const all = await viewItems(VIEWS.coverage, 1);
        return all.filter((i) => /^CC\d+\.\d+/.test(i.label)).length >= 2 ? all : undefined;
      }, { timeout: 15_000, message: 'controls in the Control Coverage view' });
      const labels = items.map((i) => i.label);
      assert.ok(controlItem(items, 'CC6.1'), `CC6.1 is among ${labels.join(', ')}`);
    });
  });
}
