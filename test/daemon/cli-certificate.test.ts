import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generate } from 'selfsigned';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { TENANT, scenario } from './fixtures';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const CERT_APP = '22222222-3333-4444-8555-666666666666';

function rampart(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', NO_COLOR: '1', AZURE_CLIENT_SECRET: '' } });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });
}

describe('CLI with a client certificate against the emulator', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let dir: string;
  let keyPem: string;

  before(async () => {
    const pems = await generate([{ name: 'commonName', value: 'rampart-connector' }], { keySize: 2048, algorithm: 'sha256' });
    keyPem = pems.private;
    const s = scenario();
    s.apps.push({ clientId: CERT_APP, certificate: pems.cert, subscriptions: '*' });
    emu = await startEmulator({ scenario: s });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-cert-'));
    await fs.writeFile(path.join(dir, 'connector.pem'), `${pems.cert}\n${pems.private}`, { mode: 0o600 });
    const other = await generate([{ name: 'commonName', value: 'rampart-connector' }], { keySize: 2048, algorithm: 'sha256' });
    await fs.writeFile(path.join(dir, 'wrong-key.pem'), `${pems.cert}\n${other.private}`, { mode: 0o600 });
  });
  after(async () => {
    await emu.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const connect = (name: string, pem: string) => rampart(['connect', '--store', path.join(dir, 'store'), '--name', name, '--tenant', TENANT,
    '--client-id', CERT_APP, '--certificate', path.join(dir, pem), '--authority-host', emu.authorityHost, '--arm-endpoint', emu.armEndpoint, '--ca-file', emu.caFile]);

  it('signs in with a verified certificate assertion and syncs', async () => {
    const r = await connect('Cert', 'connector.pem');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /succeeded\s+3 subscriptions/);
    const store = await fs.readFile(path.join(dir, 'store', 'rampart.json'), 'utf8');
    assert.match(store, /"certificateFile": ?".*connector\.pem"/);
    assert.doesNotMatch(store, /PRIVATE KEY/);
    assert.ok(!store.includes(keyPem.split('\n')[1]));
  });

  it('a certificate whose key does not match is rejected with its own message', async () => {
    const r = await connect('Wrong key', 'wrong-key.pem');
    assert.equal(r.code, 1);
    assert.match(r.out, /AADSTS700027/);
    assert.match(r.out, /certificate/);
    assert.doesNotMatch(r.out, /PRIVATE KEY/);
  });
});
