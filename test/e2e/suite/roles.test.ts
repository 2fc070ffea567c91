/**
 * Roles in the real editor: with the store handed to another admin, the OS user running the editor is a viewer, and
 * `rampart.revokeConnection` is refused by the daemon with the message (in the Rampart log, as the notification
 * shows it) while the connection stays live. The store's roles are put back as they were afterwards, so later
 * suites run as admin again.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { api, note, rampartLogFiles, storeFile, waitFor } from './helpers';

interface StoreShape { roles?: unknown; connections: { id: string; name: string; deletedAt?: string }[]; audit: { action: string; user: string; details: Record<string, unknown> }[] }

const readStore = async (): Promise<StoreShape> => JSON.parse(fs.readFileSync(await storeFile(), 'utf8')) as StoreShape;

/** Rewrites the store's roles (absent when undefined) and restarts the daemon so it reads them. */
async function writeRoles(roles: unknown): Promise<void> {
  const file = await storeFile();
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (roles === undefined) delete data.roles; else data.roles = roles;
  fs.writeFileSync(file, JSON.stringify(data, null, 2));
  await (await api()).restartDaemon();
}

export function registerRolesTests(): void {
  describe('roles', () => {
    let saved: { roles: unknown } | undefined;
    after(async () => { if (saved) await writeRoles(saved.roles); });

    it('a viewer cannot revoke through the UI: the daemon refuses with the message and the connection stays', async () => {
      const me = os.userInfo().username;
      const before = await readStore();
      const live = before.connections.find((c) => !c.deletedAt);
      assert.ok(live, 'an earlier suite left a live connection');
      saved = { roles: before.roles };
      await writeRoles({ admins: ['e2e-someone-else'], viewers: [me] });

      const result = await vscode.commands.executeCommand('rampart.revokeConnection', { connectionId: live.id, confirm: false });
      assert.equal(result, undefined, 'the command failed');
      const message = `'${me}' is a viewer of this Rampart store: revoking a connection needs an admin. Ask an admin (e2e-someone-else) to run it, or to make you one with: rampart roles add-admin ${me}`;
      await waitFor(() => rampartLogFiles().some((f) => fs.readFileSync(f, 'utf8').includes(message)), { timeout: 10_000, message: 'the refusal in the Rampart log' });
      note(message);

      const after = await readStore();
      assert.equal(after.connections.find((c) => c.id === live.id)?.deletedAt, undefined, 'the connection is still live');
      const denied = after.audit[after.audit.length - 1];
      assert.deepEqual([denied.action, denied.user, denied.details.action], ['permission-denied', me, 'revoke']);
    });
  });
}
