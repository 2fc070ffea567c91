import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../../server/src/protocol';
import { lookup } from '../../server/src/lint/catalog';
import { armRoutes } from '../emulator/arm';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { startDaemon, type TestDaemon } from './harness';
import { emulatorCloud } from './fixtures';

process.env.NO_PROXY = '127.0.0.1,localhost';

const SAMPLE = path.resolve(__dirname, '../emulator/scenarios/sample.json');
const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** The operation each ARM request the emulator answered needs: the action of the emulator route that served it. */
function operationsSeen(emu: EmulatorHandle): Set<string> {
  const out = new Set<string>();
  for (const r of emu.requests) {
    if (/oauth2|openid|discovery|\.well-known/i.test(r.path) || r.status !== 200) continue;
    const route = armRoutes.find((x) => (x.method ?? 'GET') === r.method && x.pattern.test(r.path));
    assert.ok(route, `an emulator route served ${r.method} ${r.path}`);
    out.add(route.action.toLowerCase());
  }
  return out;
}

function rampart(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('least-privilege connector role', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;

  before(async () => { emu = await startEmulator({ scenario: SAMPLE }); });
  after(async () => {
    await d?.stop();
    await emu.stop();
    if (d) await fs.rm(d.storeDir, { recursive: true, force: true });
  });

  it('reads only, names catalog operations, and covers every route a full sync called', async () => {
    d = await startDaemon();
    const app = emu.scenario.apps[0];
    const c = await d.client.sendRequest(P.Connect.type, {
      name: 'Contoso', tenantId: emu.tenantId, clientId: app.clientId, credentialKind: 'secret',
      cloud: emulatorCloud(emu),
    });
    d.secrets.set(c.id, { secret: app.secret! });
    const [run] = await d.client.sendRequest(P.Sync.type, { connectionId: c.id });
    assert.equal(run.status, 'succeeded', run.error);
    assert.ok(run.counts.vaultKeys! > 0 && run.counts.storageAccounts! > 0 && run.counts.publicIps! > 0, 'every collector had data');

    const r = await d.client.sendRequest(P.ConnectorRole.type, { connectionId: c.id, file: 'role.json' });
    const role = JSON.parse(r.json);
    assert.deepEqual(Object.keys(role).sort(), ['Actions', 'AssignableScopes', 'DataActions', 'Description', 'IsCustom', 'Name', 'NotActions', 'NotDataActions']);
    assert.equal(role.IsCustom, true);
    assert.deepEqual([role.NotActions, role.DataActions, role.NotDataActions], [[], [], []]);
    for (const op of role.Actions as string[]) {
      assert.doesNotMatch(op, /\*/, 'no wildcard');
      assert.match(op, /\/read$/, `${op} is a read`);
      assert.doesNotMatch(op, /\/(write|delete|action)$/i);
      assert.ok(lookup(op).some((o) => o.kind === 'action'), `${op} is in the operation catalog`);
    }
    const granted = new Set((role.Actions as string[]).map((a) => a.toLowerCase()));
    const seen = operationsSeen(emu);
    assert.ok(seen.size >= 10, `the sync called ${seen.size} kinds of operation`);
    for (const op of seen) assert.ok(granted.has(op), `the role grants ${op}, which the sync used`);
    // Scoped to what the connection reads (it has no explicit list: the subscriptions its sync saw).
    assert.deepEqual(role.AssignableScopes, emu.scenario.subscriptions.map((s) => `/subscriptions/${s.id}`).sort());
    assert.equal(r.placeholderScope, false);
    assert.match(r.instructions, /az role definition create --role-definition @role\.json/);
    assert.match(r.instructions, new RegExp(`az role assignment create --assignee ${app.clientId} --role "Rampart Connector Reader"`));
  });

  it('rampart role-for-connector --out FILE writes the role with a placeholder scope and prints the az steps', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-role-'));
    try {
      const out = path.join(dir, 'connector.json');
      const r = await rampart(['role-for-connector', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      const role = JSON.parse(await fs.readFile(out, 'utf8'));
      assert.deepEqual(role.AssignableScopes, ['/subscriptions/00000000-0000-0000-0000-000000000000']);
      assert.equal(role.Actions.length, 12);
      assert.match(r.stdout, /placeholder/);
      assert.match(r.stdout, /az role definition create --role-definition @connector\.json/);
      const piped = await rampart(['role-for-connector']);
      assert.deepEqual(JSON.parse(piped.stdout), role, 'without --out the JSON goes to stdout, the steps to stderr');
      assert.match(piped.stderr, /az role assignment create/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
