/**
 * The demo: the sample tenant served by the project's emulator, driven through the real CLI (dist/cli.js) exactly
 * as a user would, on a fresh store under .rampart-demo/. The secret reaches the CLI through the environment only.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { startEmulator } from '../test/emulator/emulator';

const root = path.resolve(__dirname, '..');
const scenarioFile = path.join(root, 'test/emulator/scenarios/sample.json');

async function main(): Promise<number> {
  // RAMPART_DEMO_DIR: the test that runs the demo keeps it out of the working tree.
  const work = process.env.RAMPART_DEMO_DIR ?? path.join(root, '.rampart-demo');
  await fs.rm(work, { recursive: true, force: true });
  const store = path.join(work, 'store');
  const emu = await startEmulator({ scenario: scenarioFile, dir: work });
  const app = emu.scenario.apps[0];
  const env = { ...process.env, NO_PROXY: '127.0.0.1,localhost', RAMPART_DEMO_SECRET: app.secret ?? '' };
  // Asynchronous on purpose: the emulator answers from this very process.
  const cli = (...args: string[]) => new Promise<number>((resolve) => {
    console.log(`\n$ rampart ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`);
    const child = spawn(process.execPath, [path.join(root, 'dist/cli.js'), '--store', store, ...args], { env, stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
  });
  try {
    console.log(`Emulated tenant '${emu.scenario.tenant.displayName ?? emu.tenantId}' at ${emu.url} (CA ${path.relative(root, emu.caFile)})`);
    // A parent company, and the organization the connection publishes its Azure assets as, under it.
    const group = await cli('org', 'create', '--name', 'Contoso Group', '--domain', 'contoso.com', '--visibility', 'shared',
      '--description', 'The parent company');
    if (group !== 0) return group;
    const org = await cli('org', 'create', '--name', 'Contoso, Inc. Azure', '--parent', 'Contoso Group', '--domain', 'contoso.com',
      '--description', 'Azure assets of Contoso, Inc.');
    if (org !== 0) return org;
    const connected = await cli('connect', '--name', 'Contoso (emulated)', '--tenant', emu.tenantId, '--client-id', app.clientId,
      '--client-secret-env', 'RAMPART_DEMO_SECRET', '--authority-host', emu.authorityHost, '--arm-endpoint', emu.armEndpoint,
      '--ca-file', emu.caFile, '--description', 'The sample tenant of the Rampart emulator', '--organization', 'Contoso, Inc. Azure');
    if (connected !== 0) return connected;
    const status = await cli('status');
    if (status !== 0) return status;
    // The tree with each node's grade and coverage, then which findings cost the group how many points.
    const tree = await cli('org', 'list');
    if (tree !== 0) return tree;
    const explained = await cli('grade', '--organization', 'Contoso Group', '--explain');
    if (explained !== 0) return explained;
    const verified = await cli('verify');
    if (verified !== 0) return verified;
    // The evidence bundle an auditor receives, then the check they run on it (hashes and the audit-log chain).
    const bundle = path.join(work, 'evidence.zip');
    const exported = await cli('export', '--format', 'bundle', '--out', bundle);
    if (exported !== 0) return exported;
    const bundleVerified = await cli('verify', bundle);
    if (bundleVerified !== 0) return bundleVerified;
    console.log(`\nThe bundle is ${path.relative(root, bundle)} (unzip it and open index.html).`);
    console.log(`The store is ${path.relative(root, store)}/rampart.json; run 'node dist/cli.js --store ${path.relative(root, store)} status --json' for all of it.`);
    return 0;
  } finally {
    await emu.stop();
  }
}

main().then((code) => { process.exitCode = code; }, (e) => { console.error('demo failed:', e); process.exitCode = 1; });
