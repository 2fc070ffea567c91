import { strict as assert } from 'node:assert';
import * as P from '../../server/src/protocol';
import { Organizations } from '../../server/src/core/organizations';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { Store } from '../../server/src/store/store';
import type { EmulatorHandle } from '../emulator/emulator';
import { startDaemon, type TestDaemon } from './harness';
import { connectAndSync } from './fixtures';
import { scenarioWithPublicBlob, useEmulatorAndDaemon } from './with-emulator';

process.env.NO_PROXY = '127.0.0.1,localhost';

describe('daemon: organizations and grades over LSP', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;

  useEmulatorAndDaemon((e, x) => { emu = e; d = x; }, { scenario: scenarioWithPublicBlob });

  it('keeps a grade on each succeeded run and serves the tree with rolled-up grades and coverage', async () => {
    assert.deepEqual(await d.client.sendRequest(P.Organizations.type, {}), [], 'no organizations: an empty tree');
    const { connection: c, run } = await connectAndSync(d, emu);
    assert.ok(run.grade && run.grade.score < 100 && /^[A-F]$/.test(run.grade.letter), 'the run keeps its grade');

    // Organizations written by the CLI into the same store, then read by a daemon started on it.
    await d.stop();
    const store = await Store.open(d.storeDir);
    const orgs = new Organizations({ store, clock: { now: () => new Date() }, settings: () => DEFAULT_SETTINGS });
    await orgs.create({ name: 'Group', primaryDomain: 'example.com', visibility: 'shared' });
    await orgs.create({ name: 'Test Azure', parent: 'Group' });
    await orgs.attach(c.id, 'Test Azure');
    d = await startDaemon({ storeDir: d.storeDir });

    const tree = await d.client.sendRequest(P.Organizations.type, {});
    assert.equal(tree.length, 1);
    const [group] = tree;
    const leaf = group.children[0];
    assert.deepEqual([group.name, group.visibility, group.primaryDomain, leaf.name], ['Group', 'shared', 'example.com', 'Test Azure']);
    assert.deepEqual(leaf.connections.map((x) => x.id), [c.id]);
    assert.equal(group.grade.score, leaf.grade.score, 'the parent rolls up its only child');
    assert.equal(leaf.grade.score, run.grade!.score);
    assert.ok(leaf.grade.deductions.some((x) => x.type === 'storage-account' && x.severity === 'high'), 'public blob access costs points');
    assert.equal(leaf.grade.deductions.reduce((s, x) => s + x.points, 0), 100 - leaf.grade.score);
    assert.ok(leaf.coverage.length > 0 && leaf.coveragePercent === group.coveragePercent);
    assert.deepEqual(leaf.history.map((h) => h.score), [run.grade!.score], 'grade history from the runs');
    assert.equal(group.history.length, 0, 'history lists a node\'s own connections');
  });

  it('rampart.framework weights the grade kept on each run and the tree\'s grades', async () => {
    await d.stop();
    d = await startDaemon({ storeDir: d.storeDir, initializationOptions: { framework: 'iso27001' } });
    const { connection: c, run } = await connectAndSync(d, emu);
    assert.equal(run.grade?.framework, 'iso27001', 'the run says which framework weighted its grade');
    await d.client.sendRequest(P.CreateOrganization.type, { name: 'ISO Org' });
    await d.client.sendRequest(P.AttachConnection.type, { connectionId: c.id, organization: 'ISO Org' });
    const [iso] = await d.client.sendRequest(P.Organizations.type, {});
    assert.equal(iso.grade.framework, 'iso27001');
    assert.equal(iso.grade.score, run.grade!.score);
    assert.ok(iso.grade.deductions.length > 0 && iso.grade.deductions.every((x) => x.control.startsWith('A.')), 'charged to ISO controls');
    const [soc2] = await d.client.sendRequest(P.Organizations.type, { framework: 'soc2' });
    assert.ok(soc2.grade.deductions.every((x) => x.control.startsWith('CC')), 'a request may name another framework');
  });
});
