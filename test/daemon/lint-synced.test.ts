/**
 * The lint with a tenant synced from the emulator. RP030 role-drift: a role file whose same-name (or same-id) role the
 * tenant holds with other permissions gets a note naming what differs and how many principals hold the role, in the
 * daemon (over LSP, appearing when the sync lands) and in `rampart lint --connection`; matching permissions get none.
 * RP006: the quick fix narrowing a management-group scope offers the synced subscriptions.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintCommand } from '../../server/src/cli/lint';
import type { EmulatorHandle } from '../emulator/emulator';
import type { Scenario } from '../emulator/scenario';
import type { TestDaemon } from './harness';
import { SUB_A, SUB_B, connectAndSync, scenario } from './fixtures';
import { useEmulatorAndDaemon } from './with-emulator';

const ROLE_ID = '5d0c2b1e-7a3f-4c62-9e1d-0f4b8a6c2e11';
const TENANT_ACTIONS = ['Microsoft.Compute/virtualMachines/read', 'Microsoft.Compute/virtualMachines/start/action'];

/** The fixture tenant plus one custom role, assigned to two principals (one of them twice). */
function driftScenario(): Scenario {
  const s = scenario();
  s.roleDefinitions = [{ id: ROLE_ID, roleName: 'Rampart VM Starter', actions: TENANT_ACTIONS, assignableScopes: [`/subscriptions/${SUB_A}`, `/subscriptions/${SUB_B}`] }];
  const assign = (n: number, principal: string) => ({ name: `9a000000-0000-4000-8000-00000000000${n}`, principalId: principal, principalType: 'User' as const, role: ROLE_ID, scope: '' });
  (s.subscriptions[0].roleAssignments ??= []).push(assign(1, '7e000000-0000-4000-8000-000000000001'), assign(2, '7e000000-0000-4000-8000-000000000002'));
  (s.subscriptions[1].roleAssignments ??= []).push(assign(3, '7e000000-0000-4000-8000-000000000001'));
  return s;
}

const roleFile = (name: string, actions: string[], id?: string) => JSON.stringify({
  Name: name, ...(id ? { Id: id } : {}), IsCustom: true, Description: 'Starts VMs', Actions: actions, NotActions: [],
  AssignableScopes: [`/subscriptions/${SUB_A}`],
}, null, 2) + '\n';

describe('daemon and CLI: lint with a synced tenant (RP030 role drift, RP006 narrowing)', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let d: TestDaemon;
  let dir: string;
  const published = new Map<string, PublishDiagnosticsParams[]>();

  useEmulatorAndDaemon((e, x) => { emu = e; d = x; }, { scenario: driftScenario });
  beforeEach(async () => {
    published.clear();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-drift-'));
    d.client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      published.set(p.uri, [...(published.get(p.uri) ?? []), p]);
    });
  });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  async function open(name: string, text: string): Promise<string> {
    const file = path.join(dir, name);
    await fs.writeFile(file, text);
    const uri = pathToFileURL(file).href;
    await d.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text } });
    return uri;
  }

  /** Waits until the latest diagnostics of `uri` satisfy `ok`. */
  async function diagnosticsUntil(uri: string, ok: (diags: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const last = published.get(uri)?.at(-1);
      if (last && ok(last.diagnostics)) return last.diagnostics;
      if (Date.now() > deadline) throw new Error(`diagnostics of ${uri} never matched; last: ${JSON.stringify(last?.diagnostics)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('notes a same-name role with other permissions once the sync lands, with what differs and how many hold it', async () => {
    const uri = await open('starter.json', roleFile('Rampart VM Starter', ['Microsoft.Compute/virtualMachines/read', 'Microsoft.Compute/virtualMachines/restart/action']));
    // Before any sync there is no tenant to compare with.
    const before = await diagnosticsUntil(uri, () => true);
    assert.ok(!before.some((x) => x.code === 'RP030'), JSON.stringify(before));

    await connectAndSync(d, emu);
    const diags = await diagnosticsUntil(uri, (ds) => ds.some((x) => x.code === 'RP030'));
    const note = diags.find((x) => x.code === 'RP030')!;
    assert.equal(note.severity, 3, 'information');
    assert.deepEqual(note.range.start, { line: 1, character: 10 }, 'on the role name');
    assert.match(note.message, /'Rampart VM Starter' in the tenant \(synced by connection 'Test'\)/);
    assert.match(note.message, /adds 'Microsoft\.Compute\/virtualMachines\/restart\/action' and removes 'Microsoft\.Compute\/virtualMachines\/start\/action' in Actions/);
    assert.match(note.message, /assigned to 2 principals/);
  });

  it('matches by id whatever the name, and says nothing when the permissions are the same', async () => {
    await connectAndSync(d, emu);
    const renamed = await open('renamed.json', roleFile('VM starter (renamed)', ['Microsoft.Compute/virtualMachines/read'], ROLE_ID));
    const byId = await diagnosticsUntil(renamed, (ds) => ds.some((x) => x.code === 'RP030'));
    assert.match(byId.find((x) => x.code === 'RP030')!.message, /removes 'Microsoft\.Compute\/virtualMachines\/start\/action' in Actions/);

    // Same operations, other case and order: no drift.
    const same = await open('same.json', roleFile('Rampart VM Starter', [...TENANT_ACTIONS].reverse().map((a) => a.toLowerCase())));
    const diags = await diagnosticsUntil(same, () => true);
    assert.ok(!diags.some((x) => x.code === 'RP030'), JSON.stringify(diags));
  });

  it('rampart lint --connection compares with the store the sync wrote; an unknown connection is a usage error', async () => {
    await connectAndSync(d, emu);
    await fs.writeFile(path.join(dir, 'starter.json'), roleFile('Rampart VM Starter', ['Microsoft.Compute/virtualMachines/*']));
    await fs.writeFile(path.join(dir, 'same.json'), roleFile('Rampart VM Starter', TENANT_ACTIONS));
    let out = '';
    const code = await lintCommand(['.'], { format: 'json', connection: 'Test', store: d.storeDir }, dir, (s) => { out += s; });
    assert.equal(code, 0);
    const notes = (JSON.parse(out) as { file: string; ruleId: string; message: string }[]).filter((f) => f.ruleId === 'RP030');
    assert.deepEqual(notes.map((n) => n.file), ['starter.json']);
    assert.match(notes[0].message, /adds 'Microsoft\.Compute\/virtualMachines\/\*' and removes .* in Actions/);

    // Without --connection the store is not read at all.
    out = '';
    await lintCommand(['.'], { format: 'json' }, dir, (s) => { out += s; });
    assert.ok(!(JSON.parse(out) as { ruleId: string }[]).some((f) => f.ruleId === 'RP030'));
    await assert.rejects(lintCommand(['.'], { connection: 'Nope', store: d.storeDir }, dir, () => undefined), /No connection named 'Nope'/);
  });

  it('the RP006 quick fix narrows a management-group scope to the subscriptions the sync read', async () => {
    const text = roleFile('Narrow me', ['Microsoft.Compute/virtualMachines/read']).replace(`/subscriptions/${SUB_A}`, '/providers/Microsoft.Management/managementGroups/corp');
    const uri = await open('mg.json', text);
    const placeholder = await diagnosticsUntil(uri, (ds) => ds.some((x) => x.code === 'RP006'));
    const request = (diag: Diagnostic) => d.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } }) as Promise<CodeAction[]>;
    const before = (await request(placeholder.find((x) => x.code === 'RP006')!)).map((a) => a.title);
    assert.ok(before.includes('Narrow to a subscription (/subscriptions/{subscriptionId} to fill in)'), before.join('\n'));

    await connectAndSync(d, emu);
    const actions = await request(placeholder.find((x) => x.code === 'RP006')!);
    const titles = actions.map((a) => a.title);
    assert.deepEqual(titles.filter((t) => t.startsWith('Narrow')), [
      'Narrow to the 2 synced subscriptions', `Narrow to subscription 'Alpha' (${SUB_A})`, `Narrow to subscription 'Beta' (${SUB_B})`,
    ]);
    const all = actions[titles.indexOf('Narrow to the 2 synced subscriptions')];
    assert.equal(all.isPreferred, true);
    const doc = TextDocument.create(uri, 'json', 1, text);
    const after = JSON.parse(TextDocument.applyEdits(doc, all.edit!.changes![uri]));
    assert.deepEqual(after.AssignableScopes, [`/subscriptions/${SUB_A}`, `/subscriptions/${SUB_B}`]);
  });
});
