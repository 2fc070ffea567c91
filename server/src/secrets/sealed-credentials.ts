/**
 * Credentials at rest for a daemon with no editor (no SecretStorage): `credentials.sealed.json` in the store folder.
 * Each connection's secret or private key is encrypted with AES-256-GCM under its own random data key; each data
 * key is wrapped (AES-256-GCM) by the operator's master key. The plaintext never touches the disk. Rotating the
 * master key re-wraps the data keys only; a wrong master key fails on the check value and changes nothing.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CredentialMaterial } from '../azure/clients';
import type { CredentialSource } from '../core/credentials';
import type { ConnectionRecord } from '../store/schema';
import { registerSecret } from '../util/redact';
import { MasterKeyError } from './master-key';

export const SEALED_FILE = 'credentials.sealed.json';
const FORMAT = 'rampart-sealed-credentials/1';
const CHECK = 'rampart master key check';

interface Box { iv: string; tag: string; data: string }
interface Entry { wrappedKey: Box; material: Box; updatedAt: string }
interface SealedFile { format: string; check: Box; entries: Record<string, Entry> }

function seal(key: Buffer, plaintext: Buffer, aad: string): Box {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

function open(key: Buffer, box: Box, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]);
}

export class SealedCredentials implements CredentialSource {
  private constructor(private readonly file: string, private masterKey: Buffer, private data: SealedFile) {}

  /** Opens (or creates) the sealed file in `dir`. A wrong master key throws MasterKeyError and writes nothing. */
  static async open(dir: string, masterKey: Buffer): Promise<SealedCredentials> {
    const file = path.join(dir, SEALED_FILE);
    let data: SealedFile;
    try {
      data = JSON.parse(await fs.readFile(file, 'utf8')) as SealedFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new MasterKeyError(`The credential file ${file} cannot be read (${(e as Error).message}); it was left untouched.`);
      }
      const fresh = new SealedCredentials(file, masterKey, { format: FORMAT, check: seal(masterKey, Buffer.from(CHECK), 'check'), entries: {} });
      await fresh.write();
      return fresh;
    }
    if (data.format !== FORMAT) throw new MasterKeyError(`The credential file ${file} has an unknown format '${data.format}'.`);
    try {
      if (open(masterKey, data.check, 'check').toString() !== CHECK) throw new Error('check mismatch');
    } catch {
      throw new MasterKeyError(`The master key does not open ${file}: it is not the key these credentials were sealed with. Nothing was changed.`);
    }
    return new SealedCredentials(file, masterKey, data);
  }

  /** Seals a connection's credential (replacing any earlier one). */
  async put(connectionId: string, material: CredentialMaterial): Promise<void> {
    const dataKey = randomBytes(32);
    this.data.entries[connectionId] = {
      wrappedKey: seal(this.masterKey, dataKey, `key:${connectionId}`),
      material: seal(dataKey, Buffer.from(JSON.stringify(material)), `material:${connectionId}`),
      updatedAt: new Date().toISOString(),
    };
    dataKey.fill(0);
    await this.write();
  }

  async delete(connectionId: string): Promise<void> {
    if (!(connectionId in this.data.entries)) return;
    delete this.data.entries[connectionId];
    await this.write();
  }

  has(connectionId: string): boolean {
    return connectionId in this.data.entries;
  }

  async get(connection: ConnectionRecord): Promise<CredentialMaterial | undefined> {
    const entry = this.data.entries[connection.id];
    if (!entry) return undefined;
    const dataKey = open(this.masterKey, entry.wrappedKey, `key:${connection.id}`);
    try {
      const material = JSON.parse(open(dataKey, entry.material, `material:${connection.id}`).toString()) as CredentialMaterial;
      registerSecret(material.secret);
      registerSecret(material.certificatePem);
      return material;
    } finally {
      dataKey.fill(0);
    }
  }

  /** Re-wraps every data key under `newKey` and writes once; on any failure the file keeps the old key. */
  async rotate(newKey: Buffer): Promise<number> {
    const entries: Record<string, Entry> = {};
    for (const [id, entry] of Object.entries(this.data.entries)) {
      const dataKey = open(this.masterKey, entry.wrappedKey, `key:${id}`);
      entries[id] = { ...entry, wrappedKey: seal(newKey, dataKey, `key:${id}`) };
      dataKey.fill(0);
    }
    const next: SealedFile = { format: FORMAT, check: seal(newKey, Buffer.from(CHECK), 'check'), entries };
    const previous = { data: this.data, key: this.masterKey };
    this.data = next;
    this.masterKey = newKey;
    try {
      await this.write();
    } catch (e) {
      this.data = previous.data;
      this.masterKey = previous.key;
      throw e;
    }
    return Object.keys(entries).length;
  }

  private async write(): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(this.data, null, 1), { mode: 0o600 });
    await fs.rename(tmp, this.file);
  }
}
