import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOCK_FILE, acquireLock, liveHolder } from '../../server/src/host/lock';

/** A pid that was real a moment ago and is now gone. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('store lock', () => {
  let dir: string;
  beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-lock-')); });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('is created with pid, kind and socket, mode 600, and refuses while its holder lives', async () => {
    const r = await acquireLock(dir, { kind: 'daemon', socket: '/tmp/x.sock' });
    assert.ok(r.acquired);
    const info = JSON.parse(await fs.readFile(path.join(dir, LOCK_FILE), 'utf8'));
    assert.deepEqual({ pid: info.pid, kind: info.kind, socket: info.socket }, { pid: process.pid, kind: 'daemon', socket: '/tmp/x.sock' });
    assert.equal((await fs.stat(path.join(dir, LOCK_FILE))).mode & 0o777, 0o600);
    const again = await acquireLock(dir, { kind: 'cli' });
    assert.ok(!again.acquired);
    assert.equal(again.holder.pid, process.pid);
    assert.equal(again.holder.kind, 'daemon');
    r.lock.release();
    assert.equal(await liveHolder(dir), undefined);
    assert.ok((await acquireLock(dir, { kind: 'cli' })).acquired, 'free again once released');
  });

  it('takes over a lock whose process died', async () => {
    const pid = deadPid();
    await fs.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid, kind: 'daemon', socket: '/gone', startedAt: '2026-01-01T00:00:00Z', token: 'old' }));
    assert.equal(await liveHolder(dir), undefined, 'a dead holder is no holder');
    const r = await acquireLock(dir, { kind: 'daemon', socket: '/new' });
    assert.ok(r.acquired);
    assert.equal((await liveHolder(dir))?.socket, '/new');
  });

  it('takes over an unreadable lock', async () => {
    await fs.writeFile(path.join(dir, LOCK_FILE), '{"pid":');
    assert.ok((await acquireLock(dir, { kind: 'cli' })).acquired);
  });

  it('gives a stale lock to exactly one of many racing takers', async () => {
    await fs.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), kind: 'daemon', startedAt: '', token: 'old' }));
    const results = await Promise.all(Array.from({ length: 8 }, () => acquireLock(dir, { kind: 'daemon' })));
    assert.equal(results.filter((r) => r.acquired).length, 1);
  });

  it('release leaves a lock that is no longer its own', async () => {
    const r = await acquireLock(dir, { kind: 'cli' });
    assert.ok(r.acquired);
    // Another process took it over meanwhile (say this one was thought dead).
    await fs.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, kind: 'daemon', startedAt: '', token: 'theirs' }));
    r.lock.release();
    assert.equal((await liveHolder(dir))?.token, 'theirs');
  });
});
