/**
 * One daemon for all windows, in the real editor: the window's daemon is a process of its own holding the store's
 * lock; another client (standing in for a second window) connects to its socket and sees the same store; after
 * `kill -9` of the daemon the window reconnects by itself to a new daemon and the views answer again.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StreamMessageReader, StreamMessageWriter, createProtocolConnection } from 'vscode-languageserver-protocol/node';
import { ListConnections } from '../../../server/src/protocol';
import { connectSocket } from '../../../server/src/host/connect';
import { LOCK_FILE, isAlive, type LockInfo } from '../../../server/src/host/lock';
import { VIEWS, api, note, viewItems, waitFor } from './helpers';

function lockOf(storePath: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(storePath, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

export function registerDaemonTests(): void {
  describe('one daemon for all windows', () => {
    it('the daemon is its own process holding the store, and a second client on its socket sees the same store', async () => {
      const rampart = await api();
      const lock = lockOf(rampart.storePath);
      assert.ok(lock, 'the store has a lock');
      assert.equal(lock.kind, 'daemon');
      assert.notEqual(lock.pid, process.pid, 'not the extension host');
      assert.ok(isAlive(lock.pid));
      const socket = await connectSocket(lock.socket!);
      assert.ok(socket, `the daemon listens on ${lock.socket}`);
      const other = createProtocolConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
      other.listen();
      try {
        await other.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
        const theirs = (await other.sendRequest(ListConnections.type)).map((c) => c.name).sort();
        const mine = (await viewItems(VIEWS.connections, 1)).map((i) => i.label).sort();
        assert.ok(theirs.length > 0, 'the earlier suites connected');
        assert.deepEqual(theirs, mine);
      } finally {
        other.dispose();
        socket.destroy();
      }
    });

    it('after kill -9 of the daemon the window reconnects to a new one', async () => {
      const rampart = await api();
      const before = lockOf(rampart.storePath)!;
      const names = (await viewItems(VIEWS.connections, 1)).map((i) => i.label).sort();
      process.kill(before.pid, 'SIGKILL');
      const after = await waitFor(() => {
        const l = lockOf(rampart.storePath);
        return l && l.pid !== before.pid && isAlive(l.pid) ? l : undefined;
      }, { timeout: 30_000, message: 'a new daemon to hold the store' });
      note(`daemon ${before.pid} killed; the window reconnected to daemon ${after.pid}`);
      // A view shows nothing while its daemon is away: wait until it lists the connections again.
      await waitFor(async () => {
        const again = (await viewItems(VIEWS.connections, 1)).map((i) => i.label).sort();
        return JSON.stringify(again) === JSON.stringify(names);
      }, { timeout: 30_000, message: `the Connections view to list ${names.join(', ')} again` });
    });
  });
}
