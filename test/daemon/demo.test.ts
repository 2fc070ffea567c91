/**
 * `npm run demo` is the front door: run its script (the build is already done by npm test) and check what a new user
 * sees — a successful sync, evidence by control, findings, a verified bundle — and that the secret is never shown.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

describe('npm run demo', function () {
  this.timeout(180_000);

  it('syncs the sample tenant, prints evidence by control and findings, verifies its bundle, never shows the secret', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-demo-'));
    try {
      const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
      const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn(tsx, [path.join(root, 'scripts', 'demo.ts')], { env: { ...process.env, RAMPART_DEMO_DIR: dir, NO_COLOR: '1' } });
        let out = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (out += d));
        p.on('close', (c) => resolve({ code: c, out }));
      });
      assert.equal(code, 0, out);
      assert.match(out, /succeeded\s+3 subscriptions, 12 resource groups, 57 role assignments/);
      assert.match(out, /Evidence by control/);
      for (const control of ['CC6.1', 'CC6.2', 'CC6.3', 'CC6.6', 'CC6.7', 'CC7.1']) assert.match(out, new RegExp(`${control.replace('.', '\\.')}\\s+\\S`));
      assert.match(out, /Findings \(\d+, \d+ distinct\)/);
      // Elevated access at the tenant root, inherited by the three subscriptions: one line, with how to remove it.
      const atRoot = out.split('\n').filter((l) => l.includes('holds User Access Administrator at the tenant root (/)'));
      assert.equal(atRoot.length, 1, out);
      assert.match(atRoot[0], /az role assignment delete --assignee \S+ --role "User Access Administrator" --scope \/ \(in 3 subscriptions\)$/);
      // The organization tree with grades, and one grade's explanation.
      assert.match(out, /Organizations \(grade, coverage\)\n\s+Contoso Group <contoso\.com>\s+[A-F] \d+\/100\s+coverage \d+%/);
      assert.match(out, /\n\s{4}Contoso, Inc\. Azure <contoso\.com>\s+[A-F] \d+\/100\s+coverage \d+%\s+private\s+\[Contoso \(emulated\)\]/);
      assert.match(out, /Contoso Group: grade [A-F] \(\d+\/100\)/);
      assert.match(out, /-\s*\d+\s+CC\d\.\d\s+(high|medium|low)\s+/);
      assert.match(out, /total -\d+/);
      assert.match(out, /Audit log intact/);
      assert.match(out, /Bundle intact/);
      const sample = JSON.parse(readFileSync(path.join(root, 'test/emulator/scenarios/sample.json'), 'utf8'));
      for (const app of sample.apps) if (app.secret) assert.ok(!out.includes(app.secret), 'the demo output shows no secret');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
