import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StreamMessageReader, StreamMessageWriter, createProtocolConnection } from 'vscode-languageserver-protocol/node';
import * as P from '../../server/src/protocol';
import { connectSocket } from '../../server/src/host/connect';
import { endpointFor } from '../../server/src/host/endpoint';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { APP, SECRET, TENANT, scenario } from './fixtures';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

function rampart(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', NO_COLOR: '1', AZURE_CLIENT_SECRET: '', ...env } });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });
}

async function everyByte(dir: string): Promise<string> {
  const names = await fs.readdir(dir, { recursive: true });
  const files = [];
  for (const n of names) if ((await fs.stat(path.join(dir, n))).isFile()) files.push(n);
  return (await Promise.all(files.map((n) => fs.readFile(path.join(dir, n), 'latin1')))).join('\n');
}

describe('headless: sealed credentials and rampart daemon', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let dir: string, store: string, key1: string, key2: string;

  before(async () => {
    emu = await startEmulator({ scenario: scenario() });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-headless-'));
    store = path.join(dir, 'store');
    key1 = path.join(dir, 'master1.key');
    key2 = path.join(dir, 'master2.key');
    await fs.writeFile(key1, randomBytes(32).toString('base64'), { mode: 0o600 });
    await fs.writeFile(key2, randomBytes(32).toString('base64'), { mode: 0o600 });
  });
  after(async () => {
    await emu.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('seals the secret, syncs with only the master key, and rotates the key', async () => {
    const target = ['--authority-host', emu.authorityHost, '--arm-endpoint', emu.armEndpoint, '--ca-file', emu.caFile];
    const c = await rampart(['connect', '--store', store, '--name', 'Headless', '--tenant', TENANT, '--client-id', APP, '--no-sync', ...target], {});
    assert.equal(c.code, 0, c.out);
    const noKey = await rampart(['credentials', 'seal', '--store', store, '--connection', 'Headless'], { AZURE_CLIENT_SECRET: SECRET });
    assert.equal(noKey.code, 1);
    assert.match(noKey.out, /No master key/);
    const seal = await rampart(['credentials', 'seal', '--store', store, '--connection', 'Headless'], { AZURE_CLIENT_SECRET: SECRET, RAMPART_MASTER_KEY_FILE: key1 });
    assert.equal(seal.code, 0, seal.out);

    const sync = await rampart(['sync', '--store', store], { RAMPART_MASTER_KEY_FILE: key1 });
    assert.equal(sync.code, 0, sync.out);
    assert.match(sync.out, /succeeded/);
    assert.ok(!(await everyByte(store)).includes(SECRET), 'no plaintext secret in any file of the store');

    const rotate = await rampart(['credentials', 'rotate-master-key', '--store', store, '--new-key-file', key2], { RAMPART_MASTER_KEY_FILE: key1 });
    assert.equal(rotate.code, 0, rotate.out);
    assert.match(rotate.out, /Re-wrapped 1 data key/);
    const old = await rampart(['sync', '--store', store], { RAMPART_MASTER_KEY_FILE: key1 });
    assert.equal(old.code, 1);
    assert.match(old.out, /master key does not open/);
    const fresh = await rampart(['sync', '--store', store], { RAMPART_MASTER_KEY_FILE: key2 });
    assert.equal(fresh.code, 0, fresh.out);
  });

  it('rampart daemon serves LSP on stdio with the sealed credentials', async () => {
    const child = spawn(process.execPath, [CLI, 'daemon', '--stdio', '--store', store], {
      env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', AZURE_CLIENT_SECRET: '', RAMPART_MASTER_KEY_FILE: key2 },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const client = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    // A client without SecretStorage: the daemon falls back to the sealed file.
    client.onRequest(P.GetCredential.type, () => null);
    client.listen();
    try {
      await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
      void client.sendNotification('initialized', {});
      const [run] = await client.sendRequest(P.Sync.type, {});
      assert.equal(run.status, 'succeeded', run.error);
      const [conn] = await client.sendRequest(P.ListConnections.type);
      assert.equal(conn.name, 'Headless');
    } finally {
      client.dispose();
      child.kill();
    }
  });

  it('rampart daemon takes RAMPART_* settings from the start and does not stop when a window asks', async () => {
    // Revoked 400 days ago: past the default retention (365 days), within RAMPART_RETENTION_DAYS=730.
    const revoke = await rampart(['revoke', '--store', store, '--connection', 'Headless'], {});
    assert.equal(revoke.code, 0, revoke.out);
    const file = path.join(store, 'rampart.json');
    const data = JSON.parse(await fs.readFile(file, 'utf8'));
    data.connections[0].deletedAt = new Date(Date.now() - 400 * 86_400_000).toISOString();
    await fs.writeFile(file, JSON.stringify(data));

    const child = spawn(process.execPath, [CLI, 'daemon', '--store', store], {
      env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', AZURE_CLIENT_SECRET: '', RAMPART_RETENTION_DAYS: '730' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    try {
      for (let i = 0; i < 200 && !/serving/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(err, /Rampart daemon \(pid \d+\) serving/);
      const socket = await connectSocket(endpointFor(store));
      assert.ok(socket, 'the daemon listens');
      const client = createProtocolConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
      client.listen();
      try {
        await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
        const [conn] = await client.sendRequest(P.ListConnections.type);
        assert.equal(conn?.name, 'Headless', 'kept: the start pruned by the 730 days of RAMPART_RETENTION_DAYS');
        await assert.rejects(client.sendRequest(P.ShutdownDaemon.type), /does not stop when a client asks: it was started by 'rampart daemon'/);
        assert.equal(child.exitCode, null, 'still running');
      } finally {
        client.dispose();
        socket.destroy();
      }
    } finally {
      child.kill();
    }
    assert.equal(JSON.parse(await fs.readFile(file, 'utf8')).connections.length, 1);
  });
});
