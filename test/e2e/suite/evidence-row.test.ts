/**
 * Selecting an evidence row opens it as read-only JSON: the row as the daemon stores it, fingerprint included.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { connectionId, storedEvidence } from './helpers';

export function registerEvidenceRowTests(): void {
  describe('evidence rows open as read-only JSON', () => {
    it('the stored row opens in a read-only JSON document', async () => {
      const [row] = await storedEvidence(connectionId());
      assert.ok(row, 'the store holds evidence');
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('rampart.evidence.open', { id: row.id });
      assert.ok(editor, 'an editor opened');
      const doc = editor.document;
      assert.equal(doc.uri.scheme, 'rampart-evidence');
      assert.equal(doc.languageId, 'json');
      const shown = JSON.parse(doc.getText());
      assert.equal(shown.id, row.id);
      assert.equal(shown.fingerprint, row.fingerprint);
      assert.deepEqual(shown.controls, row.controls);
      assert.equal(vscode.workspace.fs.isWritableFileSystem('rampart-evidence'), false, 'a read-only file system');
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(doc.uri, new TextEncoder().encode('{}'))), /read-only|NoPermissions/i);
      assert.equal(JSON.parse((await vscode.workspace.openTextDocument(doc.uri)).getText()).fingerprint, row.fingerprint);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });
  });
}
