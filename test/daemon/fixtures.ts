/** A small tenant for daemon and CLI tests: two readable subscriptions, one forbidden, paging forced by pageSize 4. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as P from '../../server/src/protocol';
import type { TestDaemon } from './harness';
import type { EmulatorHandle } from '../emulator/emulator';
import type { Scenario } from '../emulator/scenario';

export const TENANT = '72f988bf-0000-4000-8000-00000000c0de';
export const APP = '11111111-2222-4333-8444-555555555555';
export const SECRET = 'daemon-test-secret-8c1f2e';
export const SUB_A = 'aaaaaaaa-0000-4000-8000-000000000001';
export const SUB_B = 'bbbbbbbb-0000-4000-8000-000000000002';
export const SUB_X = 'cccccccc-0000-4000-8000-000000000003';

/** The emulator as a connection's custom cloud: to the product it is only that. */
export function emulatorCloud(emu: Pick<EmulatorHandle, 'authorityHost' | 'armEndpoint' | 'caFile'>): P.CloudConfig {
  return { name: 'Custom', authorityHost: emu.authorityHost, armEndpoint: emu.armEndpoint, caFile: emu.caFile };
}

/** Connects the test app over LSP, hands over its secret as SecretStorage would, syncs once; the run must succeed. */
export async function connectAndSync(d: TestDaemon, emu: EmulatorHandle, name = 'Test'): Promise<{ connection: P.ConnectionSummary; run: P.RunSummary }> {
  const connection = await d.client.sendRequest(P.Connect.type, { name, tenantId: TENANT, clientId: APP, credentialKind: 'secret', cloud: emulatorCloud(emu) });
  d.secrets.set(connection.id, { secret: SECRET });
  const [run] = await d.client.sendRequest(P.Sync.type, { connectionId: connection.id });
  if (run.status !== 'succeeded') throw new Error(`the sync of '${name}' ${run.status}: ${run.error}`);
  return { connection, run };
}

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function scenario(): Scenario {
  const groups = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ name: `${prefix}-rg-${i}`, location: i % 2 ? 'westeurope' : 'eastus', tags: { env: prefix } }));
  const assignments = (n: number, risky: boolean) => Array.from({ length: n }, (_, i) => ({
    name: guid(i + (risky ? 100 : 200)), principalId: guid(i + 1000), principalType: (i % 3 === 0 ? 'Group' : 'User') as 'Group' | 'User',
    role: i === 0 && risky ? 'Owner' : 'Reader', scope: i % 2 ? `resourceGroups/x` : '',
  }));
  return {
    tenant: { id: TENANT, displayName: 'Test tenant' },
    apps: [{ clientId: APP, secret: SECRET, subscriptions: [SUB_A, SUB_B] }],
    pageSize: 4,
    subscriptions: [
      { id: SUB_A, displayName: 'Alpha', resourceGroups: groups('a', 5), roleAssignments: assignments(9, true) },
      { id: SUB_B, displayName: 'Beta', resourceGroups: groups('b', 3), roleAssignments: assignments(6, false) },
      { id: SUB_X, displayName: 'Forbidden', resourceGroups: groups('x', 1), roleAssignments: [] },
    ],
  };
}

/** Runs the built CLI (dist/cli.js) to completion; build with `node esbuild.mjs` first. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.resolve(__dirname, '../../dist/cli.js'), ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (x) => (stdout += x));
    p.stderr.on('data', (x) => (stderr += x));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
