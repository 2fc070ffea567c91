/** The client secret lives in SecretStorage only: never in the store folder, the logs, a command line or an environment. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { api, env, listFiles, rampartLogFiles, sampleApp, waitFor } from './helpers';

function filesContaining(files: string[], needle: string): string[] {
  return files.filter((f) => {
    try { return fs.readFileSync(f).includes(needle); } catch { return false; }
  });
}

/** Command line and environment of each process this run started (they all inherit RAMPART_E2E_WORK). */
function ourProcesses(): { pid: string; cmdline: string; environ: string }[] {
  const marker = `RAMPART_E2E_WORK=${env.work}`;
  const out: { pid: string; cmdline: string; environ: string }[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (!environ.split('\0').includes(marker)) continue;
      out.push({ pid, environ, cmdline: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ') });
    } catch { /* gone, or not ours to read */ }
  }
  return out;
}

export function registerSecretTests(): void {
  describe('the client secret stays secret', () => {
    const secret = () => sampleApp().secret;

    it('is not in the store file', async () => {
      const file = path.join((await api()).storePath, 'rampart.json');
      assert.ok(fs.existsSync(file), `${file} exists`);
      assert.ok(!fs.readFileSync(file, 'utf8').includes(secret()), `${file} contains the secret`);
    });

    it('is not in any file under the store folder', async () => {
      const files = listFiles((await api()).storePath);
      assert.ok(files.length > 0, 'the store folder has files');
      assert.deepEqual(filesContaining(files, secret()), []);
    });

    it('is not in the Rampart log files', async () => {
      const logs = await waitFor(() => {
        const files = rampartLogFiles().filter((f) => fs.statSync(f).size > 0);
        return files.length ? files : undefined;
      }, { timeout: 10_000, message: `a non-empty Rampart log under ${env.userData}/logs` });
      assert.deepEqual(filesContaining(logs, secret()), []);
    });

    it('is not on the command line or in the environment of any process of this run', () => {
      const procs = ourProcesses();
      assert.ok(procs.length > 1, 'found this run\'s processes (extension host, daemon, ...)');
      const leaks = procs.filter((p) => p.cmdline.includes(secret()) || p.environ.includes(secret()));
      assert.deepEqual(leaks.map((p) => `${p.pid} ${p.cmdline.slice(0, 120)}`), []);
    });
  });
}
