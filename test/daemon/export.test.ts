import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource, ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol';
import * as P from '../../server/src/protocol';
import { verifyBundle } from '../../server/src/export';
import { STORE_FILE } from '../../server/src/store/store';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { syntheticStore } from '../fixtures/export/synthetic';
import { startDaemon, type TestDaemon } from './harness';
import { APP, SECRET, TENANT, emulatorCloud, scenario } from './fixtures';

process.env.NO_PROXY = '127.0.0.1,localhost';

interface AuditRow { action: string; details: Record<string, unknown> }
const auditRows = async (storeDir: string) => (JSON.parse(await fs.readFile(path.join(storeDir, STORE_FILE), 'utf8')) as { audit: AuditRow[] }).audit;

describe('daemon: rampart/export, rampart/exportScopes and rampart/dashboard over LSP', function () {
  this.timeout(30_000);
  let d: TestDaemon;
  let out: string;
  const progress: P.ExportProgress[] = [];

  beforeEach(async () => {
    out = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-export-out-'));
    progress.length = 0;
  });
  afterEach(async () => {
    await d?.stop();
    await fs.rm(d.storeDir, { recursive: true, force: true });
    await fs.rm(out, { recursive: true, force: true });
  });

  describe('after a sync against the emulator', () => {
    let emu: EmulatorHandle;
    let conn: P.ConnectionSummary;
    beforeEach(async () => {
      emu = await startEmulator({ scenario: scenario() });
      d = await startDaemon();
      d.client.onNotification(P.ExportProgressNotification.type, (p) => progress.push(p));
      conn = await d.client.sendRequest(P.Connect.type, {
        name: 'Test', tenantId: TENANT, clientId: APP, credentialKind: 'secret',
        cloud: emulatorCloud(emu),
      });
      d.secrets.set(conn.id, { secret: SECRET });
      const [run] = await d.client.sendRequest(P.Sync.type, { connectionId: conn.id });
      assert.equal(run.status, 'succeeded', run.error);
    });
    afterEach(async () => { await emu.stop(); });

    it('writes a bundle that verifies, reports progress and audits the export', async () => {
      const file = path.join(out, 'evidence.zip');
      const r = await d.client.sendRequest(P.Export.type, { format: 'bundle', out: file, exportId: 'e1' });
      assert.equal(r.file, file);
      assert.ok(r.rows > 0, 'rows exported');
      assert.equal(r.scope.connections[0].id, conn.id);
      const v = await verifyBundle(file);
      assert.ok(v.ok, v.problems.join('; '));
      assert.ok(progress.length > 0 && progress.every((p) => p.exportId === 'e1'), 'progress notifications carry the export id');
      const lastP = progress[progress.length - 1];
      assert.equal(lastP.done, lastP.total, 'the last progress is complete');
      const last = (await auditRows(d.storeDir)).at(-1)!;
      assert.equal(last.action, 'export');
      assert.deepEqual([last.details.format, last.details.sha256, last.details.rows, last.details.via, last.details.file], ['bundle', r.sha256, r.rows, 'editor', 'evidence.zip']);
      assert.ok(d.storeChanged.includes('export'));
      assert.equal((await d.client.sendRequest(P.VerifyAudit.type)).ok, true, 'the audit chain still verifies');
    });

    it('narrows by control and period; a bad scope or format is InvalidParams and writes nothing', async () => {
      const file = path.join(out, 'cc61.jsonl');
      const r = await d.client.sendRequest(P.Export.type, { format: 'jsonl', out: file, scope: { control: 'CC6.1', from: '2000-01-01' } });
      const lines = (await fs.readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { controls: string[] });
      assert.equal(lines.length, r.rows);
      assert.ok(lines.every((l) => l.controls.includes('CC6.1')));
      for (const bad of [
        { format: 'bundle', out: path.join(out, 'x.zip'), scope: { control: 'NOPE' } },
        { format: 'xml', out: path.join(out, 'x.xml') },
        { format: 'json', out: 'relative.json' },
        { format: 'json', out: path.join(out, 'missing', 'x.json') },
      ]) {
        await assert.rejects(d.client.sendRequest(P.Export.type, bad as P.ExportParams), (e: ResponseError<unknown>) => e.code === ErrorCodes.InvalidParams);
      }
      assert.deepEqual(await fs.readdir(out), ['cc61.jsonl']);
    });

    it('lists what a scope can name and computes the dashboard', async () => {
      const s = await d.client.sendRequest(P.ExportScopes.type, {});
      assert.deepEqual(s.connections.map((c) => c.name), ['Test']);
      assert.ok(s.controls.some((c) => c.id === 'CC6.1'));
      assert.deepEqual(s.assessments, []);
      const dash = await d.client.sendRequest(P.Dashboard.type, {});
      assert.equal(dash.framework, 'soc2');
      assert.ok(dash.controls.some((c) => c.id === 'CC6.1' && c.evidenceCount > 0));
      assert.equal(dash.history.length, 1, 'one point per successful run');
      assert.equal(dash.history[0].controls, dash.controls.length);
      const rows = dash.byStatus.pass + dash.byStatus.fail + dash.byStatus.unknown;
      assert.ok(rows > 0);
      assert.equal(dash.bySubscription.reduce((a, s) => a + s.pass + s.fail + s.unknown, 0), rows, 'every current row in one subscription group');
      assert.deepEqual(dash.staleConnections, []);
      // A second sync adds a point; coverage did not change, so neither does the figure.
      await d.client.sendRequest(P.Sync.type, { connectionId: conn.id });
      const again = await d.client.sendRequest(P.Dashboard.type, {});
      assert.equal(again.history.length, 2);
      assert.equal(again.history[1].percentCovered, again.history[0].percentCovered);
      await assert.rejects(d.client.sendRequest(P.Dashboard.type, { framework: 'nope' }), (e: ResponseError<unknown>) => e.code === ErrorCodes.InvalidParams);
    });
  });

  it('cancelling an export leaves no file and no audit row', async () => {
    const storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-daemon-'));
    await fs.writeFile(path.join(storeDir, STORE_FILE), JSON.stringify(syntheticStore({ rows: 60_000, connections: 2 })), { mode: 0o600 });
    // Schedule off: the synthetic connections last synced long ago, and a missed schedule would start a sync (and
    // write its audit row) at an unpredictable moment of this test.
    d = await startDaemon({ storeDir, initializationOptions: { sync: { schedule: 'off' } } });
    const auditBefore = (await auditRows(storeDir)).length;
    const cts = new CancellationTokenSource();
    d.client.onNotification(P.ExportProgressNotification.type, (p) => {
      progress.push(p);
      if (p.done > 0 && p.done < p.total) cts.cancel();
    });
    const file = path.join(out, 'big.zip');
    const spills = async () => (await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('rampart-bundle-'));
    const spillsBefore = await spills();
    await assert.rejects(d.client.sendRequest(P.Export.type, { format: 'bundle', out: file }, cts.token),
      (e: ResponseError<unknown>) => e.code === LSPErrorCodes.RequestCancelled);
    assert.ok(progress.length > 0, 'some progress before the cancel');
    assert.deepEqual(await fs.readdir(out), [], 'neither the bundle nor its temporary file is left');
    assert.deepEqual((await spills()).filter((n) => !spillsBefore.includes(n)), [], 'the bundle\'s spill folder is removed');
    assert.equal((await auditRows(storeDir)).length, auditBefore, 'a cancelled export is not audited');
    // The store is free again: the next export runs.
    const r = await d.client.sendRequest(P.Export.type, { format: 'csv', out: path.join(out, 'all.csv'), scope: { connection: 'nope' } }).catch((e: Error) => e);
    assert.ok(r instanceof ResponseError && r.code === ErrorCodes.InvalidParams);
  });
});
