/**
 * Where the daemon of a store listens, reachable only by its user. POSIX: a Unix socket in `rampart-<uid>` under the
 * temp folder, a folder of mode 0700 that must be owned by the user (checked, never trusted as found), the socket
 * itself 0600. Windows: a named pipe named from a hash of user and store path (a pipe's default ACL lets only its
 * creator, SYSTEM and administrators open it for writing). The store path is hashed because a socket path is limited
 * to about 100 bytes and the editor's storage folder can be long.
 */
import { createHash } from 'node:crypto';
import { promises as fs, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { osUser } from '../core/audit';

export class EndpointError extends Error {}

function storeKey(storeDir: string): string {
  let dir = path.resolve(storeDir);
  try { dir = realpathSync(dir); } catch { /* not created yet: the resolved path names it */ }
  // osUser, not os.userInfo(): that throws for a uid with no passwd entry (containers), and the daemon must start there.
  return createHash('sha256').update(`${osUser()}\0${dir}`).digest('hex').slice(0, 24);
}

/** The folder holding this user's daemon sockets (POSIX). */
export function socketDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(process.env.RAMPART_SOCKET_DIR ?? os.tmpdir(), `rampart-${uid}`);
}

/** The socket or pipe of the daemon serving this store. */
export function endpointFor(storeDir: string): string {
  if (process.platform === 'win32') return `\\\\.\\pipe\\rampart-${storeKey(storeDir)}`;
  return path.join(socketDir(), `${storeKey(storeDir)}.sock`);
}

/**
 * Makes the socket folder ready: created 0700, or, when it exists, checked to be a real folder owned by this user
 * and closed to others. Anything else is refused: another user could otherwise read or replace our socket.
 */
export async function prepareEndpoint(endpoint: string): Promise<void> {
  if (process.platform === 'win32') return;
  const dir = path.dirname(endpoint);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await fs.lstat(dir);
  const uid = process.getuid!();
  if (!st.isDirectory() || st.uid !== uid) {
    throw new EndpointError(`The socket folder ${dir} is not a folder owned by you: remove it, or set RAMPART_SOCKET_DIR to a private folder.`);
  }
  if ((st.mode & 0o077) !== 0) await fs.chmod(dir, 0o700);
  // We hold the store's lock, so a socket left here is a dead daemon's.
  await fs.rm(endpoint, { force: true });
}

/** After listen: the socket file is the user's only (the 0700 folder already keeps others out). */
export async function restrictEndpoint(endpoint: string): Promise<void> {
  if (process.platform !== 'win32') await fs.chmod(endpoint, 0o600);
}
