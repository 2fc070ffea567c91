/** The built CLI (dist/cli.js) as a child process: exit code, stdout and stderr. Needs `node esbuild.mjs` first. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function rampart(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', NO_COLOR: '1', ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
