/**
 * The master key of a headless daemon's credential file: 32 random bytes given base64-encoded in an environment
 * variable (RAMPART_MASTER_KEY) or in a key file readable only by its owner. A passphrase is not accepted: an
 * operator's key should come from a secret manager, not from memory.
 */
import { promises as fs } from 'node:fs';

export const MASTER_KEY_ENV = 'RAMPART_MASTER_KEY';
export const MASTER_KEY_FILE_ENV = 'RAMPART_MASTER_KEY_FILE';

export class MasterKeyError extends Error {}

/** Decodes a base64 master key; anything but exactly 32 bytes is refused. */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    throw new MasterKeyError(`The master key in ${source} is not 32 bytes of base64. Create one with: openssl rand -base64 32`);
  }
  return key;
}

/** Reads a key file, refusing one that other users can read (as ssh does with private keys). */
export async function readMasterKeyFile(file: string): Promise<Buffer> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (e) {
    throw new MasterKeyError(`The master key file ${file} cannot be read (${(e as NodeJS.ErrnoException).code}).`);
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new MasterKeyError(`The master key file ${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}): run chmod 600 ${file}.`);
  }
  return parseMasterKey(await fs.readFile(file, 'utf8'), file);
}

/** The master key from the environment: the variable itself, or the file it names. Undefined when neither is set. */
export async function masterKeyFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<Buffer | undefined> {
  if (env[MASTER_KEY_ENV]) return parseMasterKey(env[MASTER_KEY_ENV]!, MASTER_KEY_ENV);
  if (env[MASTER_KEY_FILE_ENV]) return readMasterKeyFile(env[MASTER_KEY_FILE_ENV]!);
  return undefined;
}
