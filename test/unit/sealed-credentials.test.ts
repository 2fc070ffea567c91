import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SEALED_FILE, SealedCredentials } from '../../server/src/secrets/sealed-credentials';
import { MasterKeyError, masterKeyFromEnvironment, parseMasterKey, readMasterKeyFile } from '../../server/src/secrets/master-key';
import type { ConnectionRecord } from '../../server/src/store/schema';

const conn = (id: string) => ({ id, name: id }) as ConnectionRecord;
const SECRET = 'headless-secret-4f9a1c77e2';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';

async function allBytes(dir: string): Promise<string> {
  const names = await fs.readdir(dir);
  return (await Promise.all(names.map((n) => fs.readFile(path.join(dir, n), 'latin1')))).join('\n');
}

describe('sealed credentials for a headless daemon', () => {
  let dir: string;
  const key = randomBytes(32);
  beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-sealed-')); });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('survives a restart and never writes the plaintext', async () => {
    const sealed = await SealedCredentials.open(dir, key);
    await sealed.put('c1', { secret: SECRET });
    await sealed.put('c2', { certificatePem: PEM });
    const reopened = await SealedCredentials.open(dir, Buffer.from(key));
    assert.deepEqual(await reopened.get(conn('c1')), { secret: SECRET });
    assert.deepEqual(await reopened.get(conn('c2')), { certificatePem: PEM });
    assert.equal(await reopened.get(conn('c3')), undefined);
    const disk = await allBytes(dir);
    for (const plain of [SECRET, 'PRIVATE KEY', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', key.toString('base64')]) assert.ok(!disk.includes(plain), plain);
    assert.equal((await fs.stat(path.join(dir, SEALED_FILE))).mode & 0o777, 0o600);
  });

  it('a wrong master key fails clearly and changes nothing', async () => {
    const sealed = await SealedCredentials.open(dir, key);
    await sealed.put('c1', { secret: SECRET });
    const before = await fs.readFile(path.join(dir, SEALED_FILE), 'utf8');
    await assert.rejects(SealedCredentials.open(dir, randomBytes(32)), (e: Error) => e instanceof MasterKeyError && /not the key/.test(e.message));
    assert.equal(await fs.readFile(path.join(dir, SEALED_FILE), 'utf8'), before);
  });

  it('rotating the master key re-wraps every data key; the old key no longer opens the file', async () => {
    const sealed = await SealedCredentials.open(dir, key);
    await sealed.put('c1', { secret: SECRET });
    await sealed.put('c2', { secret: SECRET + '2' });
    const materialBefore = JSON.parse(await fs.readFile(path.join(dir, SEALED_FILE), 'utf8')).entries.c1.material;
    const newKey = randomBytes(32);
    assert.equal(await sealed.rotate(newKey), 2);
    await assert.rejects(SealedCredentials.open(dir, key), MasterKeyError);
    const rotated = await SealedCredentials.open(dir, newKey);
    assert.deepEqual(await rotated.get(conn('c2')), { secret: SECRET + '2' });
    // only the wrapping changed: the sealed material itself is untouched
    assert.deepEqual(JSON.parse(await fs.readFile(path.join(dir, SEALED_FILE), 'utf8')).entries.c1.material, materialBefore);
  });

  it('a tampered entry is refused, not decrypted into garbage', async () => {
    const sealed = await SealedCredentials.open(dir, key);
    await sealed.put('c1', { secret: SECRET });
    const file = path.join(dir, SEALED_FILE);
    const data = JSON.parse(await fs.readFile(file, 'utf8'));
    // moving c1's entry to c2 must fail: the connection id is bound as additional data
    data.entries.c2 = data.entries.c1;
    await fs.writeFile(file, JSON.stringify(data));
    const reopened = await SealedCredentials.open(dir, key);
    await assert.rejects(reopened.get(conn('c2')));
    assert.deepEqual(await reopened.get(conn('c1')), { secret: SECRET });
  });

  it('master keys: 32 bytes of base64 only; key files must be private', async () => {
    assert.throws(() => parseMasterKey('c2hvcnQ=', 'test'), /not 32 bytes/);
    assert.equal(parseMasterKey(key.toString('base64'), 'test').length, 32);
    const file = path.join(dir, 'master.key');
    await fs.writeFile(file, key.toString('base64'), { mode: 0o644 });
    await fs.chmod(file, 0o644);
    await assert.rejects(readMasterKeyFile(file), /readable by other users/);
    await fs.chmod(file, 0o600);
    assert.ok((await readMasterKeyFile(file)).equals(key));
    assert.ok((await masterKeyFromEnvironment({ RAMPART_MASTER_KEY_FILE: file }))!.equals(key));
    assert.equal(await masterKeyFromEnvironment({}), undefined);
  });
});
