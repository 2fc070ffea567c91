/**
 * 'azure-cli' connections with the real Azure CLI (Debian's azure-cli 2.45, installed by test/e2e/provision.sh
 * --apt-only) signed in to the emulator. The CLI's MSAL checks an unknown authority with a call to
 * login.microsoftonline.com, except for an AD FS authority: the emulator cloud is registered with `<url>/adfs` (the
 * emulator answers it for its one tenant, as Azure Stack Hub's AD FS does). `az login --service-principal` is the
 * only sign-in `az` can do without a browser; the token Rampart gets comes from `az account get-access-token`, as a
 * user's would. Each test has its own AZURE_CONFIG_DIR; nothing here touches the user's az profile.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as P from '../../server/src/protocol';
import { startEmulator, type EmulatorHandle } from '../emulator/emulator';
import { startDaemon, type TestDaemon } from './harness';
import { APP, SECRET, TENANT, emulatorCloud, scenario } from './fixtures';

process.env.NO_PROXY = '127.0.0.1,localhost';
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const CLOUD = 'RampartEmulator';

describe('Azure CLI sign-in (real az against the emulator)', function () {
  this.timeout(120_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;
  let azDir: string;
  const saved = { ...process.env };

  /** Runs the real az with this test's config folder and the emulator's CA. */
  async function az(args: string[], configDir = azDir): Promise<string> {
    const { stdout } = await promisify(execFile)('az', args, {
      env: { ...process.env, AZURE_CONFIG_DIR: configDir, REQUESTS_CA_BUNDLE: emu.caFile, AZURE_CORE_COLLECT_TELEMETRY: 'false' },
    });
    return stdout;
  }

  async function registerCloud(configDir: string): Promise<void> {
    const u = emu.url;
    await az(['cloud', 'register', '--name', CLOUD, '--endpoint-active-directory', `${u}/adfs`, '--endpoint-resource-manager', `${u}/`,
      '--endpoint-active-directory-resource-id', `${u}/`, '--endpoint-management', `${u}/`, '--endpoint-active-directory-graph-resource-id', `${u}/`], configDir);
    await az(['cloud', 'set', '--name', CLOUD], configDir);
  }

  const connect = (name: string, tenantId = TENANT) =>
    d.client.sendRequest(P.Connect.type, { name, tenantId, clientId: '', credentialKind: 'azure-cli', cloud: emulatorCloud(emu) });
  const sync = async (id: string) => (await d.client.sendRequest(P.Sync.type, { connectionId: id }))[0];
  const status = async (id: string) => (await d.client.sendRequest(P.ListConnections.type)).find((c) => c.id === id)!.status;

  before(async function () {
    try {
      await promisify(execFile)('az', ['version']);
    } catch {
      throw new Error("The Azure CLI ('az') is not installed: run 'bash test/e2e/provision.sh --apt-only' (npm test does).");
    }
    emu = await startEmulator({ scenario: scenario() });
    azDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-az-'));
    await registerCloud(azDir);
    const accounts = JSON.parse(await az(['login', '--service-principal', '-u', APP, '-p', SECRET, '--tenant', TENANT, '--output', 'json'])) as { tenantId: string }[];
    assert.ok(accounts.length > 0 && accounts.every((a) => a.tenantId === TENANT), 'az signed in to the emulator tenant');
  });
  after(async () => {
    await emu?.stop();
    if (azDir) await fs.rm(azDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    // AzureCliCredential runs `az` in the daemon's own environment.
    Object.assign(process.env, { AZURE_CONFIG_DIR: azDir, REQUESTS_CA_BUNDLE: emu.caFile });
    d = await startDaemon();
  });
  afterEach(async () => {
    await d.stop();
    await fs.rm(d.storeDir, { recursive: true, force: true });
    for (const k of ['AZURE_CONFIG_DIR', 'REQUESTS_CA_BUNDLE', 'PATH']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('the daemon syncs a connection with the az login', async () => {
    const c = await connect('Mine');
    assert.equal(c.credentialKind, 'azure-cli');
    const run = await sync(c.id);
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.counts.subscriptions, 2);
    assert.equal(await status(c.id), 'active');
  });

  it('the CLI connects with --azure-cli and syncs', async () => {
    const store = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-cli-az-'));
    try {
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'connect', '--store', store, '--name', 'Cli', '--tenant', TENANT, '--azure-cli',
          '--authority-host', emu.authorityHost, '--arm-endpoint', emu.armEndpoint, '--ca-file', emu.caFile], { env: { ...process.env, NO_COLOR: '1' } });
        let stdout = '', stderr = '';
        p.stdout.on('data', (b) => (stdout += b));
        p.stderr.on('data', (b) => (stderr += b));
        p.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Connected 'Cli'/);
      assert.match(r.stdout, /succeeded\s+2 subscriptions/);
      const stored = JSON.parse(await fs.readFile(path.join(store, 'rampart.json'), 'utf8')) as { connections: { credentialKind: string; secretEnv?: string }[] };
      assert.equal(stored.connections[0].credentialKind, 'azure-cli');
      assert.equal(stored.connections[0].secretEnv, undefined);
    } finally {
      await fs.rm(store, { recursive: true, force: true });
    }
  });

  it('not signed in: needs-credentials, "run az login --tenant ..."', async () => {
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-az-empty-'));
    try {
      await registerCloud(empty);
      process.env.AZURE_CONFIG_DIR = empty;
      const c = await connect('Signed out');
      const run = await sync(c.id);
      assert.equal(run.errorCode, 'not-signed-in');
      assert.match(run.error!, new RegExp(`no valid sign-in for tenant ${TENANT} .*run 'az login --tenant ${TENANT}'`));
      assert.equal(await status(c.id), 'needs-credentials');
    } finally {
      await fs.rm(empty, { recursive: true, force: true });
    }
  });

  it('az signed in to another tenant than the connection\'s: wrong-tenant', async () => {
    const other = '0badc0de-0000-4000-8000-000000000001';
    const c = await connect('Elsewhere', other);
    const run = await sync(c.id);
    assert.equal(run.errorCode, 'wrong-tenant');
    assert.match(run.error!, new RegExp(`is for tenant ${other}, but the Azure CLI account gave a token of tenant ${TENANT}: run 'az login --tenant ${other}'`));
    assert.equal(await status(c.id), 'needs-credentials');
  });

  it('az missing from the PATH: says to install the Azure CLI', async () => {
    process.env.PATH = path.join(os.tmpdir(), 'rampart-no-az-here');
    const c = await connect('No az');
    const run = await sync(c.id);
    assert.equal(run.errorCode, 'not-signed-in');
    assert.match(run.error!, /'az' was not found on the PATH of Rampart\. Install the Azure CLI \(https:\/\/aka\.ms\/azure-cli\)/);
  });
});
