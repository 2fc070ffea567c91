/**
 * One daemon for all windows, with real processes: the daemon is dist/server.js started detached by the first
 * window, windows are LSP clients over its socket, the CLI is dist/cli.js, Azure is the emulator.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../../server/src/protocol';
import { endpointFor } from '../../server/src/host/endpoint';
import { DAEMON_ERRORS_LOG, DAEMON_LOG, LOCK_FILE, PREVIOUS_DAEMON_LOG, acquireLock } from '../../server/src/host/lock';
import { SEGMENT_DIR } from '../../server/src/store/segmented-file';
import { DaemonStartError, connectOrStart } from '../../server/src/host/connect';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { APP, SECRET, TENANT, emulatorCloud, scenario } from './fixtures';
import { ENV, SERVER, daemonPid, openWindow, printDaemonState, rampart, run, stopDaemon, storeData, until, within, type Window } from './shared-daemon';

describe('one daemon for all windows (real processes)', function () {
  // Generous: each test starts daemons (a 10 MB bundle each) on a 2-core machine that other suites load too.
  this.timeout(180_000);
  let emu: EmulatorHandle;
  let store: string;
  const windows: Window[] = [];
  const open = async (settings?: P.DaemonSettings) => { const w = await openWindow(store, settings); windows.push(w); return w; };
  const connect = (w: Window, name: string) => w.client.sendRequest(P.Connect.type, { name, tenantId: TENANT, clientId: APP, credentialKind: 'secret', cloud: emulatorCloud(emu) });

  beforeEach(async () => {
    emu = await startEmulator({ scenario: scenario() });
    store = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-one-daemon-'));
  });
  afterEach(async function () {
    // A failure says what the daemons did: their log and who holds the lock.
    if (this.currentTest?.state === 'failed') await printDaemonState(store);
    for (const w of windows.splice(0)) w.close();
    await stopDaemon(store);
    await emu.stop();
    await fs.rm(store, { recursive: true, force: true });
  });

  it('two windows and the CLI syncing at once share one daemon and lose no write', async () => {
    const a = await open();
    const b = await open();
    const pid = await daemonPid(store);
    const [one, two, three] = [await connect(a, 'One'), await connect(a, 'Two'), await connect(b, 'Three')];
    // Each connection's secret is known to one party only: the daemon asks every client until one has it.
    a.secrets.set(one.id, { secret: SECRET });
    b.secrets.set(two.id, { secret: SECRET });
    // Slow enough that the three syncs overlap.
    emu.addFault({ route: 'roleAssignments$', latencyMs: 150 });
    for (let round = 0; round < 2; round++) {
      const [ra, rb, cli] = await Promise.all([
        a.client.sendRequest(P.Sync.type, { connectionId: one.id }),
        b.client.sendRequest(P.Sync.type, { connectionId: two.id }),
        rampart(['sync', '--store', store, '--connection', 'Three'], { AZURE_CLIENT_SECRET: SECRET, RAMPART_VERBOSE: '1' }),
      ]);
      assert.equal(ra[0].status, 'succeeded', ra[0].error);
      assert.equal(rb[0].status, 'succeeded', rb[0].error);
      assert.equal(cli.code, 0, cli.out);
      assert.match(cli.out, new RegExp(`using the Rampart daemon \\(pid ${pid}\\)`), 'the CLI went through the daemon');
      assert.match(cli.out, /Three: .*succeeded/);
    }
    assert.equal(await daemonPid(store), pid, 'still the one daemon');

    const data = await storeData(store);
    assert.equal(data.runs.length, 6, 'every run recorded');
    assert.ok(data.runs.every((r) => r.status === 'succeeded'));
    for (const c of [one, two, three]) assert.equal(data.runs.filter((r) => r.connectionId === c.id).length, 2);
    const syncRows = data.audit.filter((r) => r.action === 'sync');
    assert.deepEqual(syncRows.map((r) => r.details?.runId).sort(), data.runs.map((r) => r.id).sort(), 'one audit row per run');
    const runIds = new Set(data.runs.map((r) => r.id));
    assert.ok(data.evidence.length > 0 && data.evidence.every((e) => runIds.has(e.runId!)), 'evidence points at recorded runs');
    const verify = await rampart(['verify', '--store', store]);
    assert.equal(verify.code, 0, verify.out);
    assert.match(verify.out, /Audit log intact/);
    // A sync shows in every window, whoever started it.
    for (const w of [a, b]) {
      for (const r of data.runs) assert.ok(w.progress.some((p) => p.runId === r.id), `window sees progress of ${r.id}`);
      assert.ok(w.storeChanged.includes('sync'));
    }
    // The CLI's secret never reached the store.
    assert.ok(!(await fs.readFile(path.join(store, 'rampart.json'), 'utf8')).includes(SECRET));
  });

  it('kill -9 mid-sync leaves the store intact, fails the run, and windows reconnect to a new daemon', async () => {
    const a = await open();
    const b = await open();
    const c = await connect(a, 'Crash');
    a.secrets.set(c.id, { secret: SECRET });
    const [first] = await within(60_000, 'the first sync', a.client.sendRequest(P.Sync.type, { connectionId: c.id }));
    assert.equal(first.status, 'succeeded', first.error);
    const before = await storeData(store);

    emu.addFault({ route: 'roleAssignments$', latencyMs: 30_000 });
    const pending = a.client.sendRequest(P.Sync.type, { connectionId: c.id });
    pending.catch(() => undefined);
    await until('the second run to be recorded as running', async () => (await storeData(store)).runs.some((r) => r.status === 'running'));
    await until('both windows to see it running', () => a.progress.length > 0 && b.progress.some((p) => p.runId !== first.id));
    const pid = await daemonPid(store);
    process.kill(pid, 'SIGKILL');
    await within(30_000, 'both windows to see their connection close', Promise.all([a.closed, b.closed]));
    a.close();
    b.close();
    await assert.rejects(within(30_000, 'the pending sync request to fail', pending));

    // What the extension does when its connection drops: connect again, starting a daemon since none holds the lock.
    emu.clearFaults();
    const [a2, b2] = await within(90_000, 'both windows to reconnect to a new daemon', Promise.all([open(), open()]));
    const pid2 = await daemonPid(store);
    assert.notEqual(pid2, pid);
    const lock = JSON.parse(await fs.readFile(path.join(store, LOCK_FILE), 'utf8'));
    assert.equal(lock.pid, pid2, 'the stale lock was taken over');
    // The crashed daemon's log is kept for whoever wants to know what it was doing.
    const previous = await fs.readFile(path.join(store, PREVIOUS_DAEMON_LOG), 'utf8');
    assert.match(previous, /listening on /);
    assert.match(previous, /Crash/, 'the crashed daemon logged the sync it was running');
    assert.doesNotMatch(await fs.readFile(path.join(store, DAEMON_LOG), 'utf8'), /Crash/, 'the new log starts empty of it');

    const [conn] = await within(30_000, 'the connections from the new daemon', b2.client.sendRequest(P.ListConnections.type));
    const interrupted = conn.recentRuns.find((r) => r.id !== first.id)!;
    assert.equal(interrupted.status, 'failed');
    assert.equal(interrupted.errorCode, 'interrupted');
    const data = await storeData(store);
    assert.equal(data.evidence.length, before.evidence.length, 'the evidence of the good sync is kept');
    const row = data.audit.find((r) => r.action === 'sync-failure');
    assert.equal(row?.details?.runId, interrupted.id);
    assert.equal(row?.details?.code, 'interrupted');
    const verify = await rampart(['verify', '--store', store]);
    assert.equal(verify.code, 0, verify.out);

    a2.secrets.set(c.id, { secret: SECRET });
    const [next] = await within(60_000, 'the sync after the crash', a2.client.sendRequest(P.Sync.type, { connectionId: c.id }));
    assert.equal(next.status, 'succeeded', next.error);
  });

  it('a second daemon for the store refuses, a CLI command that would write beside it too; CLI connect and revoke go through it', async () => {
    const a = await open();
    const pid = await daemonPid(store);
    const c = await connect(a, 'Only');
    const second = await run(SERVER, ['--store', store, '--listen']);
    assert.equal(second.code, 3, second.out);
    assert.match(second.out, new RegExp(`Another Rampart daemon \\(pid ${pid}\\) already serves`));
    // One client over stdio (what benchmarks run) holds the lock too: it never writes beside the daemon.
    const stdio = await run(SERVER, ['--store', store, '--stdio']);
    assert.equal(stdio.code, 3, stdio.out);
    assert.match(stdio.out, /already serves/);
    const headless = await rampart(['daemon', '--store', store]);
    assert.equal(headless.code, 1, headless.out);
    assert.match(headless.out, /already serves/);
    const before = await fs.readFile(path.join(store, 'rampart.json'), 'utf8');
    const seal = await rampart(['credentials', 'seal', '--store', store, '--connection', 'Only'], { AZURE_CLIENT_SECRET: SECRET, RAMPART_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') });
    assert.equal(seal.code, 1, seal.out);
    assert.match(seal.out, /'rampart credentials' changes the store directly.*'kill \d+'.*close the editor windows using this store and wait up to 5 minutes/);
    assert.equal(await fs.readFile(path.join(store, 'rampart.json'), 'utf8'), before, 'the store is untouched');
    await assert.rejects(fs.stat(path.join(store, 'credentials.sealed.json')), 'nothing was sealed');
    // Connecting from the CLI goes through the daemon: the window hears of it and sees it.
    const target = ['--authority-host', emu.authorityHost, '--arm-endpoint', emu.armEndpoint, '--ca-file', emu.caFile];
    const cliConnect = await rampart(['connect', '--store', store, '--name', 'FromCli', '--tenant', TENANT, '--client-id', APP, ...target], { AZURE_CLIENT_SECRET: SECRET });
    assert.equal(cliConnect.code, 0, cliConnect.out);
    assert.match(cliConnect.out, /Connected 'FromCli'[\s\S]*FromCli: .*succeeded/);
    assert.deepEqual((await a.client.sendRequest(P.ListConnections.type)).map((x) => x.name), ['Only', 'FromCli']);
    assert.ok(a.storeChanged.includes('connect') && a.storeChanged.includes('sync'));
    // So does revoke.
    const revoke = await rampart(['revoke', '--store', store, '--connection', 'Only']);
    assert.equal(revoke.code, 0, revoke.out);
    assert.match(revoke.out, /Revoked 'Only'/);
    assert.ok((await a.client.sendRequest(P.ListConnections.type)).find((x) => x.id === c.id)?.deletedAt, 'the window sees it revoked');
    // Reading beside the daemon is fine.
    const status = await rampart(['status', '--store', store]);
    assert.equal(status.code, 0, status.out);
    assert.match(status.out, /Only/);
    const unknown = await rampart(['sync', '--store', store, '--connection', 'Nope']);
    assert.equal(unknown.code, 1, unknown.out);
    assert.match(unknown.out, /No connection 'Nope'\. Known: .*Only/);
    assert.equal(await daemonPid(store), pid);
  });

  it('read-only commands beside the daemon change no file of its store', async () => {
    const a = await open();
    const c = await connect(a, 'Owned');
    a.secrets.set(c.id, { secret: SECRET });
    const [run] = await within(60_000, 'a sync', a.client.sendRequest(P.Sync.type, { connectionId: c.id }));
    assert.equal(run.status, 'succeeded', run.error);
    // A segment file the store does not name, older than rampart.json: what the daemon's own open would clean, and
    // what a commit in progress looks like to another process. Only the daemon may decide which it is.
    const planted = path.join(store, SEGMENT_DIR, 'planted-by-the-test.json');
    await fs.writeFile(planted, '{}');
    const old = new Date(Date.now() - 3_600_000);
    await fs.utimes(planted, old, old);
    const before = await listing(store);
    for (const args of [['status'], ['grade'], ['role-for-connector']]) {
      const r = await rampart([...args, '--store', store]);
      assert.equal(r.code, 0, `${args[0]}: ${r.out}`);
    }
    const lint = await rampart(['lint', '--store', store, '--connection', 'Owned', path.join(__dirname, '../fixtures/lint')]);
    assert.ok(lint.code === 0 || lint.code === 1, lint.out);
    assert.deepEqual(await listing(store), before, 'every file as it was, the planted segment included');
  });

  it('a window of a newer version replaces the daemon an older one started; an older window joins a newer daemon', async () => {
    await open();
    const pid = await daemonPid(store);
    const lockFile = path.join(store, LOCK_FILE);
    const lock = JSON.parse(await fs.readFile(lockFile, 'utf8'));
    const current = lock.version as string;
    assert.match(current, /^\d+\.\d+\.\d+/, 'the daemon records its version (that of dist) in the lock');
    const lines: string[] = [];
    // An older window (not reloaded since the update) joins what runs.
    const older = await connectOrStart({ storeDir: store, serverModule: SERVER, env: ENV, version: '0.0.1', log: (l) => lines.push(l) });
    older.destroy();
    assert.equal(await daemonPid(store), pid);
    // The running daemon as an older extension version would have started it; this window is dist's version.
    await fs.writeFile(lockFile, JSON.stringify({ ...lock, version: '0.0.1' }));
    const newer = await connectOrStart({ storeDir: store, serverModule: SERVER, env: ENV, version: current, idleExitMs: 60_000, log: (l) => lines.push(l) });
    newer.destroy();
    const pid2 = await daemonPid(store);
    assert.notEqual(pid2, pid);
    assert.equal(JSON.parse(await fs.readFile(lockFile, 'utf8')).version, current);
    assert.ok(lines.some((l) => l.includes(`The Rampart daemon (pid ${pid}) is version 0.0.1, older than this window's ${current}: asking it to exit`)), lines.join('\n'));
    await until(`pid ${pid} to exit`, () => !isAliveNow(pid));
  });

  it('the socket and its folder are the user\'s only', async function () {
    if (process.platform === 'win32') this.skip();
    await open();
    const endpoint = endpointFor(store);
    const lock = JSON.parse(await fs.readFile(path.join(store, LOCK_FILE), 'utf8'));
    assert.equal(lock.socket, endpoint);
    const dir = await fs.stat(path.dirname(endpoint));
    assert.equal(dir.mode & 0o777, 0o700);
    assert.equal(dir.uid, process.getuid!());
    const sock = await fs.lstat(endpoint);
    assert.ok(sock.isSocket());
    assert.equal(sock.mode & 0o777, 0o600);
    assert.equal((await fs.stat(path.join(store, LOCK_FILE))).mode & 0o777, 0o600);
  });

  it('a daemon whose lock was taken from it leaves the socket and the lock to the new holder as it exits', async function () {
    if (process.platform === 'win32') this.skip();
    await open();
    const pid = await daemonPid(store);
    const endpoint = endpointFor(store);
    // Another daemon holds the lock now (this test process stands in for it) and serves on the same path.
    const theirs = { pid: process.pid, kind: 'daemon', socket: endpoint, startedAt: new Date().toISOString(), token: 'theirs' };
    await fs.writeFile(path.join(store, LOCK_FILE), JSON.stringify(theirs));
    process.kill(pid, 'SIGTERM');
    await until(`pid ${pid} to exit`, () => !isAliveNow(pid));
    assert.ok((await fs.lstat(endpoint)).isSocket(), 'the socket is left for the holder');
    assert.equal(JSON.parse(await fs.readFile(path.join(store, LOCK_FILE), 'utf8')).token, 'theirs');
    await fs.rm(path.join(store, LOCK_FILE));
  });

  it('a daemon that cannot start says why in the error the window shows', async function () {
    if (process.platform === 'win32') this.skip();
    // The socket folder is a symlink (someone could point it anywhere): the daemon refuses it, before any log is open.
    const sockets = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-sockets-'));
    const elsewhere = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-elsewhere-'));
    try {
      await fs.symlink(elsewhere, path.join(sockets, `rampart-${process.getuid!()}`));
      const env = { ...ENV, RAMPART_SOCKET_DIR: sockets };
      // What earlier daemons left there past 1 MB is dropped, not kept growing.
      await fs.writeFile(path.join(store, DAEMON_ERRORS_LOG), 'x'.repeat(1.2 * 2 ** 20) + '\n');
      await assert.rejects(connectOrStart({ storeDir: store, serverModule: SERVER, env, timeoutMs: 60_000 }), (e: Error) => {
        assert.ok(e instanceof DaemonStartError, e.stack);
        assert.match(e.message, /did not start \(exit code 1: rampart daemon: The socket folder \S+ is not a folder owned by you: remove it, or set RAMPART_SOCKET_DIR/);
        return true;
      });
      const errors = await fs.readFile(path.join(store, DAEMON_ERRORS_LOG), 'utf8');
      assert.match(errors, /is not a folder owned by you/);
      assert.ok(errors.length < 2 ** 20, `${errors.length} bytes`);
      assert.deepEqual(await fs.readdir(elsewhere), [], 'nothing was created through the symlink');
    } finally {
      await fs.rm(sockets, { recursive: true, force: true });
      await fs.rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('a daemon a window started exits its idle time after the last client left, removing its lock and socket', async function () {
    if (process.platform === 'win32') this.skip();
    const socket = await connectOrStart({ storeDir: store, serverModule: SERVER, env: ENV, idleExitMs: 1_000 });
    const pid = await daemonPid(store);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.ok(isAliveNow(pid), 'a connected client keeps it running past its idle time');
    socket.destroy();
    await until(`pid ${pid} to exit`, () => !isAliveNow(pid));
    await assert.rejects(fs.stat(path.join(store, LOCK_FILE)), /ENOENT/);
    await assert.rejects(fs.lstat(endpointFor(store)), /ENOENT/);
    assert.match(await fs.readFile(path.join(store, DAEMON_LOG), 'utf8'), /daemon exiting: no client for 1000 ms/);
  });

  it('a window that waited too long for a CLI command holding the store says so', async () => {
    // This test process plays the rampart command holding the store.
    const held = await acquireLock(store, { kind: 'cli' });
    assert.ok(held.acquired);
    try {
      await assert.rejects(connectOrStart({ storeDir: store, serverModule: SERVER, env: ENV, timeoutMs: 500 }),
        new RegExp(`A rampart command \\(pid ${process.pid}\\) is still working on the store .*Restart Daemon`));
    } finally {
      held.lock.release();
    }
  });

  it('a daemon waits while a CLI command holds the store, then serves', async () => {
    // A command working in-process holds the lock (a sleeping process stands in for it).
    const cli = (await import('node:child_process')).spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await fs.writeFile(path.join(store, LOCK_FILE), JSON.stringify({ pid: cli.pid, kind: 'cli', startedAt: new Date().toISOString(), token: 'cli' }), { mode: 0o600 });
    const daemon = (await import('node:child_process')).spawn(process.execPath, [path.resolve(__dirname, '../../dist/cli.js'), 'daemon', '--store', store], { env: { ...process.env, NO_PROXY: '127.0.0.1' } });
    let err = '';
    daemon.stderr.on('data', (d) => (err += d));
    try {
      await until('the daemon to wait', () => /Waiting for the rampart command \(pid \d+\)/.test(err));
      assert.equal(JSON.parse(await fs.readFile(path.join(store, LOCK_FILE), 'utf8')).pid, cli.pid, 'the CLI keeps the lock');
      cli.kill('SIGKILL');
      await until('the daemon to serve', () => /serving/.test(err));
      assert.equal(await daemonPid(store), daemon.pid);
      const w = await open();
      assert.deepEqual(await w.client.sendRequest(P.ListConnections.type), []);
    } finally {
      cli.kill('SIGKILL');
    }
  });
});

/** Every file under the store with its size and modification time. */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await fs.readdir(dir, { recursive: true })).sort()) {
    const st = await fs.stat(path.join(dir, name));
    if (st.isFile() && name !== DAEMON_LOG) out.push(`${name} ${st.size} ${st.mtimeMs}`);
  }
  return out;
}

function isAliveNow(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}
