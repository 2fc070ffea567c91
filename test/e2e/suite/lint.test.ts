/**
 * The least-privilege analyzer in a real editor: a role definition written into the workspace gets a Rampart
 * diagnostic, its quick fix edits the file and the diagnostic goes away; a .bicep file gets the `bicep` language id,
 * its findings and a hover on an operation.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, env, note, scenario, waitFor } from './helpers';

const ROLE = `{
  "Name": "Storage reader (e2e)",
  "IsCustom": true,
  "Description": "written by the real-editor suite",
  "Actions": [
    "Microsoft.Storage/*"
  ],
  "NotActions": [],
  "AssignableScopes": ["/subscriptions/00000000-0000-0000-0000-000000000001"]
}
`;

const BICEP = `resource rd 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid('e2e')
  properties: {
    roleName: 'e2e'
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

const rampartDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'rampart');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

export function registerLintTests(): void {
  describe('least-privilege lint in the editor', () => {
    const folder = () => path.join(env.work, 'ws', 'lint');

    before(async () => {
      await api();
      fs.mkdirSync(folder(), { recursive: true });
    });

    it('shows RP002 on a broad wildcard, and its quick fix edits the file and clears the diagnostic', async () => {
      const file = path.join(folder(), 'storage-role.json');
      fs.writeFileSync(file, ROLE);
      const uri = vscode.Uri.file(file);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const diag = await waitFor(() => rampartDiagnostics(uri).find((d) => codeOf(d) === 'RP002'), { message: 'the RP002 diagnostic', timeout: 20_000 });
      assert.equal(diag.range.start.line, 5);
      assert.equal(doc.getText(diag.range), '"Microsoft.Storage/*"');
      assert.equal(diag.severity, vscode.DiagnosticSeverity.Warning);
      // The code links to the rule's heading in the docs/rules.md the extension ships (no web address).
      const target = typeof diag.code === 'object' ? diag.code.target : undefined;
      assert.equal(target?.scheme, 'file', `code target ${target?.toString()}`);
      assert.match(target!.fsPath, /[\\/]docs[\\/]rules\.md$/);
      const heading = fs.readFileSync(target!.fsPath, 'utf8').split('\n')[Number(/^L(\d+)$/.exec(target!.fragment)![1]) - 1];
      assert.equal(heading, '### RP002 broad-wildcard');

      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range);
      note(`code actions: ${actions.map((a) => a.title).join(' | ')}`);
      const fix = actions.find((a) => a.isPreferred && a.title.startsWith("Replace 'Microsoft.Storage/*'"));
      assert.ok(fix?.edit, 'a preferred replacement with an edit');
      assert.ok(actions.some((a) => a.title === 'Disable RP002 in .rampartrc.json'), 'the .rampartrc.json suppression is offered');
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      const text = doc.getText();
      assert.notEqual(text, ROLE);
      assert.doesNotMatch(text, /Microsoft\.Storage\/\*/);
      assert.match(text, /"Microsoft\.Storage\/[^"*]+\/read"/);
      await waitFor(() => !rampartDiagnostics(uri).some((d) => codeOf(d) === 'RP002'), { message: 'the RP002 diagnostic to go away', timeout: 20_000 });
      assert.deepEqual(rampartDiagnostics(uri).map(codeOf), [], 'no Rampart diagnostic left');
      await doc.save();
      assert.equal(fs.readFileSync(file, 'utf8'), text, 'the file on disk changed');
    });

    it('RP006: the quick fix narrows a management-group assignable scope to a subscription', async () => {
      const file = path.join(folder(), 'mg-role.json');
      const text = ROLE.replace('Microsoft.Storage/*', 'Microsoft.Storage/storageAccounts/read')
        .replace('/subscriptions/00000000-0000-0000-0000-000000000001', '/providers/Microsoft.Management/managementGroups/corp');
      fs.writeFileSync(file, text);
      const uri = vscode.Uri.file(file);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const diag = await waitFor(() => rampartDiagnostics(uri).find((d) => codeOf(d) === 'RP006'), { message: 'the RP006 diagnostic', timeout: 20_000 });
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range);
      note(`code actions: ${actions.map((a) => a.title).join(' | ')}`);
      // The sync suite synced the sample tenant before this one: its subscriptions are offered by name, not the
      // placeholder (code-actions.ts narrowScope: "Narrow to subscription '<name>' (<id>)").
      const production = scenario().subscriptions.find((x) => x.displayName === 'Contoso Production');
      assert.ok(production, 'the sample tenant has Contoso Production');
      const title = `Narrow to subscription 'Contoso Production' (${production.id})`;
      assert.ok(!actions.some((a) => a.title.includes('{subscriptionId}')), 'no placeholder once the tenant is synced');
      const fix = actions.find((a) => a.title === title);
      assert.ok(fix?.edit, `a fix titled "${title}" with an edit`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.doesNotMatch(doc.getText(), /managementGroups/);
      assert.deepEqual(JSON.parse(doc.getText()).AssignableScopes, [`/subscriptions/${production.id}`]);
      await waitFor(() => !rampartDiagnostics(uri).some((d) => codeOf(d) === 'RP006'), { message: 'the RP006 diagnostic to go away', timeout: 20_000 });
    });

    it('a .bicep file gets the bicep language, RP001 on the wildcard and a hover on it', async () => {
      const file = path.join(folder(), 'role.bicep');
      fs.writeFileSync(file, BICEP);
      const uri = vscode.Uri.file(file);
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.equal(doc.languageId, 'bicep');
      await vscode.window.showTextDocument(doc);
      const diag = await waitFor(() => rampartDiagnostics(uri).find((d) => codeOf(d) === 'RP001'), { message: 'the RP001 diagnostic', timeout: 20_000 });
      assert.equal(doc.getText(diag.range), "'*'");
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, diag.range.start.translate(0, 1));
      const md = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(md, /wildcard in Actions/);
    });
  });
}
