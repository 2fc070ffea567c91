/** The extension activates in a real extension host, its daemon answers, and its views exist and start empty. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, VIEWS, api, extension, viewItems, waitFor } from './helpers';

export function registerActivationTests(): void {
  describe('activation', () => {
    it('the extension is installed from the development path', () => {
      const ext = extension();
      assert.equal(ext.id.toLowerCase(), EXTENSION_ID);
      const views = (ext.packageJSON?.contributes?.views?.rampart ?? []) as { id: string }[];
      assert.deepEqual(views.map((v) => v.id).sort(), Object.values(VIEWS).sort(), 'views contributed to the rampart container');
    });

    it('activates and its daemon becomes ready', async () => {
      const rampart = await api();
      assert.ok(extension().isActive, 'extension is active');
      assert.equal(typeof rampart.storePath, 'string');
      assert.ok(rampart.storePath.length > 0, 'storePath is set');
    });

    it('the Rampart container and its views open', async () => {
      await vscode.commands.executeCommand('workbench.view.extension.rampart');
      for (const id of Object.values(VIEWS)) {
        // `<view id>.focus` exists only for a registered view; it resolves once the view is shown.
        await vscode.commands.executeCommand(`${id}.focus`);
      }
      const commands = await vscode.commands.getCommands(true);
      for (const id of ['rampart.connect', 'rampart.syncNow', 'rampart.showLog']) assert.ok(commands.includes(id), `${id} is registered`);
    });

    it('Connections is empty before any connect', async () => {
      const items = await waitFor(async () => (await viewItems(VIEWS.connections, 1)) ?? undefined, { message: 'the Connections view to answer' });
      assert.deepEqual(items.map((i) => i.label), [], 'no connection items');
    });
  });
}
