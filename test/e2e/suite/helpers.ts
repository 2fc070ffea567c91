/**
 * What the extension-host suites share: the extension's API, the emulator (its scenario and control endpoints),
 * the store file, the Rampart log files, and the state one suite hands to the next.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RampartApi, RampartViewId, ViewItemSnapshot } from '../../../client/src/api';
import type { OrgChoice } from '../../../client/src/commands/organizationSteps';
import type { ConnectionSummary, NewConnection, RunSummary } from '../../../server/src/protocol';
import type { Scenario, ScenarioApp } from '../../emulator/scenario';
import { readStoreFiles } from '../../../server/src/store/segmented-file';

import { type ControlMethod, emulatorRequest } from '../shared/emulatorControl';

export { waitFor, delay } from '../shared/wait';

export const EXTENSION_ID = 'rampart.rampart';
export const VIEWS = { connections: 'rampart.connections', evidence: 'rampart.evidence', coverage: 'rampart.coverage', organizations: 'rampart.organizations' } as const;
export const SAMPLE_CLIENT_ID = '3f1e0d52-7c3a-4a55-9d5e-2b8f6a1c9e01';

export type { RampartApi } from '../../../client/src/api';
/** A tree item as the extension's test API reports it. */
export type ViewItem = ViewItemSnapshot;

export interface ConnectResult { connection: ConnectionSummary; runs: RunSummary[] }

/** A detail worth seeing in the run's output (the reporter's prefix makes the driver echo it). */
export function note(message: string): void {
  console.log(`[rampart-e2e]        ${message}`);
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through test/e2e/run.sh`);
  return value;
}

export const env = {
  get emulatorUrl(): string { return requiredEnv('RAMPART_E2E_EMULATOR_URL').replace(/\/+$/, ''); },
  get caFile(): string { return requiredEnv('RAMPART_E2E_CA_FILE'); },
  get tenant(): string { return requiredEnv('RAMPART_E2E_TENANT'); },
  get work(): string { return requiredEnv('RAMPART_E2E_WORK'); },
  /** code-server's --user-data-dir for this phase (its logs folder holds the output channel logs). */
  get userData(): string { return requiredEnv('RAMPART_E2E_USER_DATA'); },
  get scenarioFile(): string {
    return process.env.RAMPART_E2E_SCENARIO ?? path.join(extension().extensionPath, 'test', 'emulator', 'scenarios', 'sample.json');
  },
};

export function extension(): vscode.Extension<RampartApi> {
  const ext = vscode.extensions.getExtension<RampartApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this extension host`);
  return ext;
}

let apiPromise: Promise<RampartApi> | undefined;
/** Activates the extension (once) and waits until its daemon answers. */
export function api(): Promise<RampartApi> {
  apiPromise ??= (async () => {
    const exports = await extension().activate();
    if (!exports || typeof exports.ready !== 'function') throw new Error('activate() did not return the Rampart API');
    await exports.ready();
    return exports;
  })();
  return apiPromise;
}

// ---- the scenario the emulator serves ----

let scenarioCache: Scenario | undefined;
export function scenario(): Scenario {
  scenarioCache ??= JSON.parse(fs.readFileSync(env.scenarioFile, 'utf8')) as Scenario;
  return scenarioCache;
}

export function sampleApp(): ScenarioApp & { secret: string } {
  const app = scenario().apps.find((a) => a.clientId === SAMPLE_CLIENT_ID) ?? scenario().apps.find((a) => a.secret);
  if (!app?.secret) throw new Error(`no app with a secret in ${env.scenarioFile}`);
  return app as ScenarioApp & { secret: string };
}

/** What a full sync of the sample app must count: only the subscriptions the app may read. */
export function expectedCounts(app: ScenarioApp = sampleApp()): { subscriptions: number; resourceGroups: number; roleAssignments: number } {
  const allowed = app.subscriptions;
  const subs = scenario().subscriptions.filter((s) =>
    (allowed === undefined || allowed === '*' || allowed.includes(s.id)) && (s.state ?? 'Enabled') !== 'Deleted');
  return {
    subscriptions: subs.length,
    resourceGroups: subs.reduce((n, s) => n + (s.resourceGroups?.length ?? 0), 0),
    // Each subscription also lists the assignments at the tenant root, which it inherits (the sample has no management groups).
    roleAssignments: subs.reduce((n, s) => n + (s.roleAssignments?.length ?? 0) + (scenario().rootRoleAssignments?.length ?? 0), 0),
  };
}

export function emulatorConnection(name: string): NewConnection {
  return {
    name,
    description: 'real-editor e2e',
    tenantId: env.tenant,
    clientId: sampleApp().clientId,
    credentialKind: 'secret',
    cloud: { name: 'Custom', authorityHost: env.emulatorUrl, armEndpoint: env.emulatorUrl, caFile: env.caFile },
  };
}

// ---- the emulator's control endpoints (HTTPS with its own CA) ----

export function emulator(method: ControlMethod, route: string, body?: unknown): Promise<unknown> {
  return emulatorRequest(env.emulatorUrl, env.caFile, method, route, body);
}

// ---- the extension's commands ----

/** `organization`: what the connect flow's organization steps would have chosen (commands/organizationSteps.ts). */
export async function connect(connection: NewConnection, secret: string, organization?: OrgChoice): Promise<ConnectResult> {
  const result = await vscode.commands.executeCommand<ConnectResult>('rampart.connect', { connection, secret, ...(organization ? { organization } : {}) });
  if (!result?.connection) throw new Error(`rampart.connect returned ${JSON.stringify(result)}`);
  return result;
}

export async function syncNow(connectionId: string): Promise<RunSummary> {
  const runs = await vscode.commands.executeCommand<RunSummary[]>('rampart.syncNow', { connectionId });
  if (!Array.isArray(runs) || runs.length !== 1) throw new Error(`rampart.syncNow returned ${JSON.stringify(runs)}`);
  return runs[0];
}

// ---- views ----

export async function viewItems(viewId: RampartViewId, depth = 3): Promise<ViewItem[]> {
  return (await api()).viewItems(viewId, depth);
}

/** Every item of a tree, depth first. */
export function flatten(items: ViewItem[] | undefined): ViewItem[] {
  return (items ?? []).flatMap((i) => [i, ...flatten(i.children)]);
}

export function itemText(i: ViewItem): string {
  return [i.label, i.description, i.tooltip].filter(Boolean).join(' ');
}

// ---- the store and the logs ----

export async function storeFile(): Promise<string> {
  return path.join((await api()).storePath, 'rampart.json');
}

/** The store as on disk: rampart.json with the evidence and inventory of the segment files it names. */
export async function readStore(): Promise<Record<string, unknown>> {
  return await readStoreFiles((await api()).storePath) as unknown as Record<string, unknown>;
}

/** Evidence rows kept in the store for one connection (all when none is named). */
export async function storedEvidence(connectionId?: string): Promise<Record<string, unknown>[]> {
  const store = await readStore();
  const rows = store.evidence;
  if (!Array.isArray(rows)) throw new Error(`the store has no evidence array (keys: ${Object.keys(store).join(', ')})`);
  return (rows as Record<string, unknown>[]).filter((r) => !connectionId || r.connectionId === connectionId);
}

export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? listFiles(p) : d.isFile() ? [p] : [];
  });
}

/** The Rampart output channel's log files, wherever this code-server version puts them under its logs folder. */
export function rampartLogFiles(): string[] {
  return listFiles(path.join(env.userData, 'logs')).filter((f) => /rampart/i.test(path.basename(f)) && f.endsWith('.log'));
}

/** Shared between suites: the connection the sync suite made. */
export const state: { connection?: ConnectionSummary; firstRun?: RunSummary; evidenceAfterSync?: number } = {};

export function connectionId(): string {
  if (!state.connection) throw new Error('no connection: the connect test did not succeed');
  return state.connection.id;
}
