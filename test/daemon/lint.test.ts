/**
 * The least-privilege analyzer in the daemon, over real LSP streams: diagnostics on open and change, quick fixes,
 * hover, completion, .rampartrc.json, Bicep with a syntax error above a finding.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  CodeAction, CompletionList, Diagnostic, Hover, MarkupContent, PublishDiagnosticsParams, Range, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as P from '../../server/src/protocol';
import { startDaemon, type TestDaemon } from './harness';

const ROLE = `{
  "Name": "Storage reader",
  "IsCustom": true,
  "Actions": [
    "*"
  ],
  "NotActions": [],
  "AssignableScopes": ["/subscriptions/00000000-0000-0000-0000-000000000001"]
}
`;

describe('daemon: lint diagnostics, quick fixes, hover and completion over LSP', function () {
  this.timeout(30_000);
  let d: TestDaemon;
  let dir: string;
  const published = new Map<string, PublishDiagnosticsParams[]>();
  const docs = new Map<string, TextDocument>();

  beforeEach(async () => {
    published.clear();
    docs.clear();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-lint-'));
    d = await startDaemon();
    d.client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      published.set(p.uri, [...(published.get(p.uri) ?? []), p]);
    });
  });
  afterEach(async () => {
    await d.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function open(name: string, text: string, languageId = name.endsWith('.bicep') ? 'bicep' : 'json'): Promise<string> {
    const file = path.join(dir, name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
    const uri = pathToFileURL(file).href;
    docs.set(uri, TextDocument.create(uri, languageId, 1, text));
    await d.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** Applies edits to our copy and sends them as one incremental didChange. */
  async function change(uri: string, edits: TextEdit[]): Promise<number> {
    const doc = docs.get(uri)!;
    const version = doc.version + 1;
    // Sent in reverse document order so that each range is still valid when the server applies it.
    const sorted = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    const next = TextDocument.create(uri, doc.languageId, version, TextDocument.applyEdits(doc, edits));
    docs.set(uri, next);
    await d.client.sendNotification('textDocument/didChange', {
      textDocument: { uri, version }, contentChanges: sorted.map((e) => ({ range: e.range, text: e.newText })),
    });
    return version;
  }

  async function diagnostics(uri: string, version?: number): Promise<Diagnostic[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const list = published.get(uri) ?? [];
      const last = list[list.length - 1];
      if (last && (version === undefined || last.version === version)) return last.diagnostics;
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} (version ${version}); got ${JSON.stringify(list.map((p) => p.version))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  const actionsAt = (uri: string, range: Range, diags: Diagnostic[] = []) =>
    d.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: diags } }) as Promise<CodeAction[]>;
  const hoverAt = (uri: string, line: number, character: number) =>
    d.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } }) as Promise<Hover | null>;
  const completeAt = (uri: string, line: number, character: number) =>
    d.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line, character } }) as Promise<CompletionList | null>;
  const editsOf = (a: CodeAction, uri: string): TextEdit[] => a.edit?.changes?.[uri] ?? [];
  const textAfter = (uri: string, edits: TextEdit[]) => TextDocument.applyEdits(docs.get(uri)!, edits);
  const at = (line: number, start: number, end: number): Range => ({ start: { line, character: start }, end: { line, character: end } });

  it('publishes RP001 on the exact "*" on open, and clears it when an edit fixes it', async () => {
    const uri = await open('role.json', ROLE);
    const diags = await diagnostics(uri, 1);
    // '*' also grants role assignments: RP003 on the same element.
    assert.deepEqual(diags.map((x) => x.code), ['RP001', 'RP003'], JSON.stringify(diags));
    const [rp001] = diags;
    assert.equal(rp001.code, 'RP001');
    assert.equal(rp001.source, 'rampart');
    assert.equal(rp001.severity, 1);
    assert.deepEqual(rp001.range, at(4, 4, 7));
    // The rule's section of the docs/rules.md shipped with the extension, at its heading line.
    assert.match(rp001.codeDescription!.href, /^file:\/\/.*\/docs\/rules\.md#L\d+$/);

    const v2 = await change(uri, [{ range: at(4, 4, 7), newText: '"Microsoft.Storage/storageAccounts/read"' }]);
    assert.deepEqual(await diagnostics(uri, v2), []);

    await d.client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    const deadline = Date.now() + 2000;
    while ((published.get(uri) ?? []).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(published.get(uri)!.at(-1)!.diagnostics, []);
  });

  it('offers quick fixes for "*" that edit exactly that element, and a .rampartrc.json entry', async () => {
    const uri = await open('role.json', ROLE);
    const diags = await diagnostics(uri, 1);
    const actions = await actionsAt(uri, diags[0].range, diags);
    assert.ok(actions.some((a) => a.title === 'Disable RP003 in .rampartrc.json'));
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes("Replace '*' with '*/read' (read-only)"), titles.join('\n'));
    const replace = actions.find((a) => a.title.startsWith("Replace '*'"))!;
    assert.equal(replace.kind, 'quickfix');
    assert.equal(replace.diagnostics?.[0].code, 'RP001');
    assert.deepEqual(editsOf(replace, uri), [{ range: at(4, 4, 7), newText: '"*/read"' }]);

    const suppress = actions.find((a) => a.title === 'Disable RP001 in .rampartrc.json')!;
    assert.ok(suppress, titles.join('\n'));
    const [create, write] = suppress.edit!.documentChanges! as [{ kind: string; uri: string }, { edits: TextEdit[] }];
    assert.equal(create.kind, 'create');
    assert.equal(create.uri, pathToFileURL(path.join(dir, '.rampartrc.json')).href);
    assert.deepEqual(JSON.parse(write.edits[0].newText), { disable: ['RP001'] });
  });

  it('a .rampartrc.json disabling the rule takes effect when the config changes on disk', async () => {
    const uri = await open('roles/role.json', ROLE);
    assert.equal((await diagnostics(uri, 1)).length, 2);
    await fs.writeFile(path.join(dir, '.rampartrc.json'), '{ "disable": ["RP001", "RP003"] }\n');
    const before = published.get(uri)!.length;
    await d.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, '.rampartrc.json')).href, type: 1 }] });
    const deadline = Date.now() + 3000;
    while (published.get(uri)!.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(published.get(uri)!.at(-1)!.diagnostics, []);

    // An existing config gets the rule added to its list, as an edit of that file.
    const text = ROLE.replace('"*"', '"Microsoft.Storage/storageAccounts/raed"');
    const uri2 = await open('roles/typo.json', text);
    const [typo] = await diagnostics(uri2, 1);
    assert.equal(typo.code, 'RP008');
    const actions = await actionsAt(uri2, typo.range, [typo]);
    const fix = actions.find((a) => a.title === "Change to 'Microsoft.Storage/storageAccounts/read'")!;
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(editsOf(fix, uri2), [{ range: typo.range, newText: '"Microsoft.Storage/storageAccounts/read"' }]);
    const cfgUri = pathToFileURL(path.join(dir, '.rampartrc.json')).href;
    const disable = actions.find((a) => a.title === 'Disable RP008 in .rampartrc.json')!;
    const cfgEdits = (disable.edit as WorkspaceEdit).changes![cfgUri];
    const cfgDoc = TextDocument.create(cfgUri, 'json', 1, '{ "disable": ["RP001", "RP003"] }\n');
    assert.deepEqual(JSON.parse(TextDocument.applyEdits(cfgDoc, cfgEdits)), { disable: ['RP001', 'RP003', 'RP008'] });
  });

  it('replaces a broad wildcard with operations it grants (reads first) and removes redundant entries', async () => {
    const text = `{
  "Name": "r",
  "Actions": [
    "Microsoft.Storage/*",
    "Microsoft.Compute/virtualMachines/read",
    "Microsoft.Compute/virtualMachines/read"
  ],
  "AssignableScopes": ["/subscriptions/00000000-0000-0000-0000-000000000001"]
}
`;
    const uri = await open('broad.json', text);
    const diags = await diagnostics(uri, 1);
    const rp002 = diags.find((x) => x.code === 'RP002')!;
    assert.deepEqual(rp002.range, at(3, 4, 25));
    const actions = await actionsAt(uri, rp002.range, [rp002]);
    const first = actions.find((a) => a.title.startsWith("Replace 'Microsoft.Storage/*' with 'Microsoft.Storage/"))!;
    assert.ok(first && first.isPreferred, actions.map((a) => a.title).join('\n'));
    assert.match(editsOf(first, uri)[0].newText, /^"Microsoft\.Storage\/[^"]+\/read"$/);

    const rp011 = diags.find((x) => x.code === 'RP011')!;
    assert.deepEqual(rp011.range, at(5, 4, 44));
    assert.deepEqual(rp011.tags, [1]);
    const remove = (await actionsAt(uri, rp011.range, [rp011])).find((a) => a.title.startsWith('Remove'))!;
    const after = textAfter(uri, editsOf(remove, uri));
    assert.deepEqual(JSON.parse(after).Actions, ['Microsoft.Storage/*', 'Microsoft.Compute/virtualMachines/read']);
  });

  it('adds principalType to a role assignment in an ARM template', async () => {
    const text = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Authorization/roleAssignments",
      "apiVersion": "2022-04-01",
      "name": "[guid('a')]",
      "properties": {
        "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
        "principalId": "00000000-0000-0000-0000-000000000002"
      }
    }
  ]
}
`;
    const uri = await open('arm.json', text);
    const diags = await diagnostics(uri, 1);
    const rp022 = diags.find((x) => x.code === 'RP022')!;
    assert.ok(rp022, JSON.stringify(diags));
    const add = (await actionsAt(uri, rp022.range, [rp022])).find((a) => a.title === 'Add principalType: "ServicePrincipal"')!;
    assert.ok(add);
    const props = JSON.parse(textAfter(uri, editsOf(add, uri))).resources[0].properties;
    assert.equal(props.principalType, 'ServicePrincipal');
    assert.equal(props.principalId, '00000000-0000-0000-0000-000000000002');
  });

  it('hovers an operation and a wildcard', async () => {
    const text = ROLE.replace('"*"', '"Microsoft.Authorization/roleAssignments/write",\n    "Microsoft.Storage/storageAccounts/*"');
    const uri = await open('hover.json', text);
    await diagnostics(uri, 1);
    const h = await hoverAt(uri, 4, 10);
    const md = (h!.contents as MarkupContent).value;
    assert.match(md, /Microsoft\.Authorization\/roleAssignments\/write.*Action/);
    assert.match(md, /resource type `Microsoft\.Authorization\/roleAssignments`/);
    assert.match(md, /Touches access control: \*\*yes\*\*/);
    assert.match(md, /In \d+ built-in roles: .*Owner|In \d+ built-in roles: /);
    assert.deepEqual(h!.range, at(4, 4, 51));
    const w = (await hoverAt(uri, 5, 12))!;
    assert.match((w.contents as MarkupContent).value, /Matches \*\*\d+\*\* actions.*First: `Microsoft\.Storage\/storageAccounts\//s);
    assert.equal(await hoverAt(uri, 1, 12), null, 'no hover on the role name');
  });

  it('completes providers, then operations, and data actions only in DataActions', async () => {
    const text = `{
  "Name": "r",
  "Actions": [
    "Microsoft.Sto"
  ],
  "DataActions": [
    "Microsoft.Storage/"
  ],
  "AssignableScopes": ["/subscriptions/00000000-0000-0000-0000-000000000001"]
}
`;
    const uri = await open('complete.json', text);
    await diagnostics(uri, 1);
    const providers = (await completeAt(uri, 3, 18))!;
    assert.equal(providers.isIncomplete, true);
    const storage = providers.items.find((i) => i.label === 'Microsoft.Storage/')!;
    assert.ok(storage, providers.items.map((i) => i.label).slice(0, 20).join(', '));
    assert.deepEqual((storage.textEdit as TextEdit).range, at(3, 5, 18));
    const data = (await completeAt(uri, 6, 23))!;
    assert.ok(data.items.length > 5);
    assert.ok(data.items.every((i) => i.detail === 'DataAction' && String(i.label).startsWith('Microsoft.Storage/')));
    assert.ok(data.items.some((i) => i.label === 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'));
    assert.ok(!data.items.some((i) => i.label === 'Microsoft.Storage/storageAccounts/read'), 'no control-plane action in DataActions');
    assert.equal(await completeAt(uri, 1, 10), null, 'nothing outside the operation lists');
  });

  it('Bicep: a syntax error does not hide a finding below it; the suppression fix silences it', async () => {
    const text = `param location string = resourceGroup().location
var broken = {
  a: 1 +
}
resource rd 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid('r')
  properties: {
    roleName: 'r'
    permissions: [
      {
        actions: [
          '*'
        ]
      }
    ]
    assignableScopes: [ resourceGroup().id ]
  }
}
`;
    const uri = await open('main.bicep', text);
    const diags = await diagnostics(uri, 1);
    assert.ok(diags.some((x) => x.code === 'RP000' && x.range.start.line <= 3), JSON.stringify(diags));
    const rp001 = diags.find((x) => x.code === 'RP001')!;
    assert.deepEqual(rp001.range, at(11, 10, 13));
    const actions = await actionsAt(uri, rp001.range, [rp001]);
    assert.deepEqual(editsOf(actions.find((a) => a.title.startsWith("Replace '*'"))!, uri), [{ range: at(11, 10, 13), newText: "'*/read'" }]);
    const suppress = actions.find((a) => a.title.startsWith('Suppress RP001'))!;
    assert.deepEqual(editsOf(suppress, uri), [{ range: at(11, 0, 0), newText: '          // rampart-disable-next-line RP001\n' }]);
    const v2 = await change(uri, editsOf(suppress, uri));
    assert.ok(!(await diagnostics(uri, v2)).some((x) => x.code === 'RP001'));
    // Hover works in Bicep too.
    const h = (await hoverAt(uri, 12, 11))!;
    assert.match((h.contents as MarkupContent).value, /wildcard in Actions/);
  });

  it('Bicep: removes a duplicate line, adds principalType, and edits single-line arrays', async () => {
    const text = `param principalId string
resource rd 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid('r')
  properties: {
    roleName: 'r'
    permissions: [
      {
        actions: [
          'Microsoft.Compute/virtualMachines/read'
          'Microsoft.Compute/virtualMachines/read'
        ]
        dataActions: [ 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read', 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read' ]
      }
    ]
    assignableScopes: [ resourceGroup().id ]
  }
}
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('a')
  properties: {
    roleDefinitionId: rd.id
    principalId: principalId
  }
}
`;
    const uri = await open('dup.bicep', text);
    const diags = await diagnostics(uri, 1);
    const dups = diags.filter((x) => x.code === 'RP011');
    assert.equal(dups.length, 2, JSON.stringify(diags));
    const removeLine = (await actionsAt(uri, dups[0].range, [dups[0]])).find((a) => a.title.startsWith('Remove'))!;
    assert.deepEqual(editsOf(removeLine, uri), [{ range: { start: { line: 9, character: 0 }, end: { line: 10, character: 0 } }, newText: '' }]);
    const removeInline = (await actionsAt(uri, dups[1].range, [dups[1]])).find((a) => a.title.startsWith('Remove'))!;
    assert.match(textAfter(uri, editsOf(removeInline, uri)), /dataActions: \[ 'Microsoft\.Storage\/storageAccounts\/blobServices\/containers\/blobs\/read' \]/);

    const rp022 = diags.find((x) => x.code === 'RP022')!;
    const add = (await actionsAt(uri, rp022.range, [rp022])).find((a) => a.title === "Add principalType: 'ServicePrincipal'")!;
    assert.match(textAfter(uri, editsOf(add, uri)), /properties: \{\n    principalType: 'ServicePrincipal'\n    roleDefinitionId: rd\.id/);
    const v2 = await change(uri, [...editsOf(add, uri), ...editsOf(removeLine, uri)]);
    const after = await diagnostics(uri, v2);
    assert.deepEqual(after.map((x) => x.code), ['RP011'], JSON.stringify(after));
  });

  it('publishes nothing for JSON that is not a role definition or template', async () => {
    const uri = await open('package.json', '{ "name": "x", "version": "1.0.0" }\n');
    const role = await open('role.json', ROLE);
    await diagnostics(role, 1); // the daemon has processed both opens by now
    assert.equal(published.get(uri), undefined);
    assert.equal(await hoverAt(uri, 0, 5), null);
  });

  it('a window that leaves with edits still to lint gets nothing sent after it left, and nothing throws', async () => {
    const uri = await open('leaving.json', '{"Name":"x","IsCustom":true,"Actions":["*"],"AssignableScopes":["/subscriptions/00000000-0000-0000-0000-000000000001"]}');
    await diagnostics(uri);
    // A burst of edits right after a lint is coalesced: the next run is due one debounce later.
    await change(uri, [{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, newText: ' ' }]);
    await change(uri, [{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, newText: ' ' }]);
    // A request answered means the edits before it were handled: the lint is pending now.
    await d.client.sendRequest(P.ListConnections.type);
    const before = published.get(uri)?.length ?? 0;
    await d.stop();
    // Past the debounce (120 ms): a lint still pending would publish to the closed connection, which throws.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(published.get(uri)?.length ?? 0, before);
  });
});
