import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { APP, SECRET, SUB_A, TENANT, scenario } from './fixtures';
import { rampart } from './cli-process';


describe('CLI (dist/cli.js) against the emulator', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let store: string;
  const target = () => ['--authority-host', emu.authorityHost, '--arm-endpoint', emu.armEndpoint, '--ca-file', emu.caFile];

  before(async () => { emu = await startEmulator({ scenario: scenario() }); });
  after(async () => { await emu.stop(); });
  beforeEach(async () => { store = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-cli-')); });
  afterEach(async () => { await fs.rm(store, { recursive: true, force: true }); });

  it('connect reads the secret from the environment, syncs, and status reports it', async () => {
    const c = await rampart(['connect', '--store', store, '--name', 'Prod', '--tenant', TENANT, '--client-id', APP, ...target()], { AZURE_CLIENT_SECRET: SECRET });
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /Connected 'Prod'/);
    assert.match(c.stdout, /succeeded\s+2 subscriptions, 8 resource groups, 15 role assignments/);
    const s = await rampart(['status', '--store', store]);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /CC6\.1 .* 15 rows\s+1 failing/);
    assert.match(s.stdout, /Findings \(1\)/);
    const json = JSON.parse((await rampart(['status', '--json', '--store', store])).stdout);
    assert.equal(json.connections[0].name, 'Prod');
    assert.equal(json.connections[0].recentRuns[0].status, 'succeeded');
    for (const out of [c.stdout, c.stderr, s.stdout, await fs.readFile(path.join(store, 'rampart.json'), 'utf8')]) {
      assert.doesNotMatch(out, new RegExp(SECRET));
    }
  });

  it('a named environment variable and an explicit subscription list', async () => {
    const c = await rampart(['connect', '--store', store, '--name', 'One', '--tenant', TENANT, '--client-id', APP,
      '--client-secret-env', 'MY_SECRET', '--subscription', SUB_A, ...target()], { MY_SECRET: SECRET });
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /1 subscriptions, 5 resource groups/);
    const again = await rampart(['sync', '--store', store, '--connection', 'One'], { MY_SECRET: SECRET });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /\(0 new\)/);
  });

  it('a failed sync exits 1 with the actionable message; a missing secret says where to put it', async () => {
    const wrong = await rampart(['connect', '--store', store, '--name', 'P', '--tenant', TENANT, '--client-id', APP, ...target()], { AZURE_CLIENT_SECRET: 'nope-wrong' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /AADSTS7000215/);
    assert.match(wrong.stdout, /set AZURE_CLIENT_SECRET to the new secret/);
    const missing = await rampart(['sync', '--store', store], { AZURE_CLIENT_SECRET: '' });
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /AZURE_CLIENT_SECRET/);
  });

  it('verify passes on a synced store and fails on a hand-edited copy, naming the row', async () => {
    const c = await rampart(['connect', '--store', store, '--name', 'Prod', '--tenant', TENANT, '--client-id', APP, ...target()], { AZURE_CLIENT_SECRET: SECRET });
    assert.equal(c.code, 0, c.stderr);
    const ok = await rampart(['verify', '--store', store]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /Audit log intact: 2 row/);
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-cli-copy-'));
    const data = JSON.parse(await fs.readFile(path.join(store, 'rampart.json'), 'utf8'));
    data.audit[0].details.name = 'Someone else';
    await fs.writeFile(path.join(copy, 'rampart.json'), JSON.stringify(data));
    const broken = await rampart(['verify', '--store', copy]);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /BROKEN \(edited\) at row 0 \(audit_\w+, connect/);
    await fs.rm(copy, { recursive: true, force: true });
  });

  it('revoke stops syncs and keeps the history', async () => {
    await rampart(['connect', '--store', store, '--name', 'Prod', '--tenant', TENANT, '--client-id', APP, ...target()], { AZURE_CLIENT_SECRET: SECRET });
    const r = await rampart(['revoke', '--store', store, '--connection', 'Prod'], { RAMPART_RETENTION_DAYS: '30' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Revoked 'Prod'/);
    const again = await rampart(['sync', '--store', store, '--connection', 'Prod'], { AZURE_CLIENT_SECRET: SECRET });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /revoked/);
    const s = await rampart(['status', '--store', store]);
    assert.match(s.stdout, /revoked \d{4}-\d\d-\d\d, history kept until/);
    assert.equal((await rampart(['verify', '--store', store])).code, 0);
    assert.equal((await rampart(['revoke', '--store', store])).code, 2);
  });

  it('usage errors exit 2, and a secret on the command line is refused', async () => {
    const none = await rampart([]);
    assert.equal(none.code, 2);
    const bad = await rampart(['frobnicate', '--store', store]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown command 'frobnicate'/);
    const secret = await rampart(['connect', '--store', store, '--client-secret', 'x']);
    assert.equal(secret.code, 2);
    assert.match(secret.stderr, /never taken on the command line/);
    const missing = await rampart(['connect', '--store', store, '--name', 'x']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--tenant, --client-id/);
  });

  it('a corrupt store is reported, exit 1, and left untouched', async () => {
    await fs.writeFile(path.join(store, 'rampart.json'), '{ broken');
    const r = await rampart(['status', '--store', store]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not valid JSON/);
    assert.equal(await fs.readFile(path.join(store, 'rampart.json'), 'utf8'), '{ broken');
  });
});
