/**
 * Resumable setup and generated certificates in the real editor: Connect verifies before the first sync, a
 * connector without access waits for permissions and is resumed once granted, an unfinished connection is deleted,
 * and `Rampart: Create Certificate Credential` writes a public certificate that signs in once registered.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionSummary, RunSummary } from '../../../server/src/protocol';
import { connect, emulator, emulatorConnection, env, note, readStore, scenario, syncNow } from './helpers';

const LIMITED = '5a9c7e23-1b4d-4f66-8e2a-7c3d9b0f1a02';
const PRODUCTION = 'b6f1c2d3-4e5f-4a7b-9c8d-1e2f3a4b5c01';
const DEVELOPMENT = 'c7a2d3e4-5f6a-4b8c-8d9e-2f3a4b5c6d02';

interface ResumeResult { connection: ConnectionSummary; runs: RunSummary[]; deleted?: boolean }

function limitedApp(): { clientId: string; secret: string } {
  const app = scenario().apps.find((a) => a.clientId === LIMITED);
  if (!app?.secret) throw new Error('the sample scenario has no rampart-limited app');
  return { clientId: app.clientId, secret: app.secret };
}

export function registerSetupTests(): void {
  describe('resumable setup and certificate credentials', () => {
    const restore = () => emulator('PATCH', `/_emulator/apps/${LIMITED}`, { subscriptions: [PRODUCTION], certificate: '' });
    after(restore);

    it('connect verifies a least-privileged connector, then its first sync makes it active', async () => {
      const app = limitedApp();
      const r = await connect({ ...emulatorConnection('Setup limited'), clientId: app.clientId }, app.secret);
      assert.equal(r.runs[0]?.status, 'succeeded', r.runs[0]?.error);
      assert.equal(r.connection.status, 'active');
      assert.equal(r.connection.setup?.readableSubscriptions, 1);
    });

    it('a connector that reads nothing awaits permissions; Resume Connection Setup finishes it once granted', async () => {
      const app = limitedApp();
      const r = await connect({ ...emulatorConnection('Setup pending'), clientId: app.clientId, subscriptions: [DEVELOPMENT] }, app.secret);
      assert.deepEqual(r.runs, [], 'no sync before permissions');
      assert.equal(r.connection.status, 'awaiting-permissions');
      assert.ok(r.connection.setup?.commands.includes(`az role assignment create --assignee ${LIMITED} --role "Reader" --scope /subscriptions/${DEVELOPMENT}`), JSON.stringify(r.connection.setup));
      await emulator('PATCH', `/_emulator/apps/${LIMITED}`, { subscriptions: [PRODUCTION, DEVELOPMENT] });
      const resumed = await vscode.commands.executeCommand<ResumeResult>('rampart.resumeConnectionSetup', { connectionId: r.connection.id });
      assert.equal(resumed.runs[0]?.status, 'succeeded', resumed.runs[0]?.error);
      assert.equal(resumed.connection.status, 'active');
    });

    it('an unfinished connection can be deleted', async () => {
      const app = limitedApp();
      await restore();
      const r = await connect({ ...emulatorConnection('Setup abandoned'), clientId: app.clientId, subscriptions: [DEVELOPMENT] }, app.secret);
      assert.equal(r.connection.status, 'awaiting-permissions');
      const d = await vscode.commands.executeCommand<ResumeResult>('rampart.resumeConnectionSetup', { connectionId: r.connection.id, action: 'delete', confirm: false });
      assert.equal(d.deleted, true);
      const store = await readStore() as { connections: { id: string }[] };
      assert.ok(!store.connections.some((c) => c.id === r.connection.id), 'gone from the store');
    });

    it('Create Certificate Credential: the public certificate, once registered, signs the connection in', async () => {
      const store = await readStore() as { connections: { id: string; name: string }[] };
      const c = store.connections.find((x) => x.name === 'Setup limited');
      assert.ok(c, 'the connection from the first test');
      const file = path.join(env.work, 'setup-limited.cer');
      const r = await vscode.commands.executeCommand<{ file: string; thumbprint: string; instructions: string; connection: ConnectionSummary }>(
        'rampart.createCertificateCredential', { connectionId: c.id, file });
      note(`thumbprint ${r.thumbprint}`);
      assert.equal(r.connection.credentialKind, 'certificate');
      const pem = fs.readFileSync(file, 'utf8');
      assert.match(pem, /-----BEGIN CERTIFICATE-----/);
      assert.doesNotMatch(pem, /PRIVATE KEY/);
      assert.match(r.instructions, new RegExp(`az ad app credential reset --id ${LIMITED} --cert @setup-limited\\.cer --append`));
      // As `az ad app credential reset --cert @file --append` would; the secret stops working.
      await emulator('PATCH', `/_emulator/apps/${LIMITED}`, { certificate: pem, secret: `retired-${Date.now()}` });
      try {
        const run = await syncNow(c.id);
        assert.equal(run.status, 'succeeded', run.error);
      } finally {
        await emulator('PATCH', `/_emulator/apps/${LIMITED}`, { secret: limitedApp().secret });
      }
      const text = JSON.stringify(await readStore());
      assert.doesNotMatch(text, /PRIVATE KEY/);
    });
  });
}
