/**
 * Credentials at rest for headless use (`rampart daemon`, cron, CI agents): seal a connection's secret or private key
 * under the operator's master key, and rotate that key. The plaintext is read from an environment variable or a
 * PEM file and only ever written encrypted.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CredentialMaterial } from '../azure/clients';
import { CredentialChain, DEFAULT_SECRET_ENV, EnvironmentCredentialSource, type CredentialSource } from '../core/credentials';
import type { RampartService } from '../core/service';
import { InteractiveCredentialSource } from '../core/sign-in';
import { MASTER_KEY_ENV, MASTER_KEY_FILE_ENV, MasterKeyError, masterKeyFromEnvironment, readMasterKeyFile } from '../secrets/master-key';
import { SealedCredentials } from '../secrets/sealed-credentials';
import { registerSecret } from '../util/redact';
import { type CliValues, UsageError } from './args';

/** Sealed credentials first (when a master key is configured), then the environment and certificate files. */
export async function cliCredentials(storeDir: string): Promise<CredentialSource> {
  const key = await masterKeyFromEnvironment();
  const env = new EnvironmentCredentialSource();
  const interactive = new InteractiveCredentialSource();
  return new CredentialChain(key ? [interactive, await SealedCredentials.open(storeDir, key), env] : [interactive, env]);
}

async function requireKey(): Promise<Buffer> {
  const key = await masterKeyFromEnvironment();
  if (!key) throw new MasterKeyError(`No master key: set ${MASTER_KEY_FILE_ENV} to a file readable only by you (or ${MASTER_KEY_ENV}) holding 32 random bytes in base64 (openssl rand -base64 32).`);
  return key;
}

/** `rampart credentials seal|rotate-master-key`. */
export async function credentialsCommand(service: RampartService, storeDir: string, rest: string[], v: CliValues): Promise<number> {
  const [action] = rest;
  // Sealing or re-keying credentials changes what connections sign in with: admins only, like Update Credentials.
  if (['seal', 'rotate-master-key'].includes(action ?? '')) await service.requireAdmin('re-credential');
  if (action === 'seal') {
    if (!v.connection) throw new UsageError('credentials seal needs --connection N.');
    const conn = service.connection(v.connection);
    if (conn.credentialKind === 'azure-cli' || conn.credentialKind === 'microsoft-account') {
      throw new UsageError(`'${conn.name}' signs in with ${conn.credentialKind === 'azure-cli' ? 'the Azure CLI' : 'a Microsoft account'}: it has no secret to seal.`);
    }
    const material = await readMaterial(v, conn.credentialKind);
    const sealed = await SealedCredentials.open(storeDir, await requireKey());
    await sealed.put(conn.id, material);
    console.log(`Sealed the ${conn.credentialKind} of '${conn.name}' in ${path.join(storeDir, 'credentials.sealed.json')}; ` +
      `syncs now need only the master key${conn.credentialKind === 'secret' ? ', not the environment variable' : ''}.`);
    return 0;
  }
  if (action === 'rotate-master-key') {
    if (!v['new-key-file']) throw new UsageError('credentials rotate-master-key needs --new-key-file FILE (32 random bytes in base64, mode 600).');
    const sealed = await SealedCredentials.open(storeDir, await requireKey());
    const count = await sealed.rotate(await readMasterKeyFile(path.resolve(v['new-key-file'])));
    console.log(`Re-wrapped ${count} data key(s) under the new master key. Point ${MASTER_KEY_FILE_ENV} at ${v['new-key-file']} from now on.`);
    return 0;
  }
  if (action === 'create-certificate') return createCertificate(service, v);
  throw new UsageError(`credentials takes 'seal', 'rotate-master-key' or 'create-certificate', not '${action ?? ''}'.`);
}

/**
 * `credentials create-certificate --connection N --out FILE [--certificate KEYFILE]`: a new key pair and self-signed
 * certificate; the public certificate to FILE (to upload to the app registration), the private PEM (certificate +
 * PKCS#8 key, mode 600, never overwritten) to KEYFILE (default FILE with .key.pem), which the connection then uses.
 */
async function createCertificate(service: RampartService, v: CliValues): Promise<number> {
  if (!v.connection || !v.out) throw new UsageError('credentials create-certificate needs --connection N and --out FILE (the public certificate).');
  const out = path.resolve(v.out);
  const keyFile = path.resolve(v.certificate ?? out.replace(/(\.(cer|pem|crt))?$/i, '.key.pem'));
  if (keyFile === out) throw new UsageError('--certificate (the private key file) must differ from --out (the public certificate).');
  if (await fs.stat(keyFile).then(() => true, () => false)) throw new UsageError(`${keyFile} exists: Rampart never overwrites a private key. Choose another --certificate FILE.`);
  const conn = service.connection(v.connection);
  const r = await service.createCertificate(conn.id, { file: path.basename(out), certificateFile: keyFile });
  await fs.writeFile(keyFile, r.pem, { mode: 0o600, flag: 'wx' });
  await fs.writeFile(out, r.certificatePem);
  console.log(`Wrote the public certificate to ${out} and the private key (with its certificate) to ${keyFile} (mode 600).`);
  console.log(`Connection '${conn.name}' now signs in with ${keyFile}.\n`);
  console.log(r.instructions.replace(`@${path.basename(out)}`, `@${out}`));
  return 0;
}

/** MSAL signs assertions only with a PKCS#8 key (built from parts so key scanners do not take this line for a key). */
const PKCS8_HEADER = ['-----BEGIN', 'PRIVATE', 'KEY-----'].join(' ');

async function readMaterial(v: CliValues, kind: 'secret' | 'certificate'): Promise<CredentialMaterial> {
  if (kind === 'certificate') {
    if (!v.certificate) throw new UsageError('This connection uses a certificate: pass --certificate FILE (PEM with certificate and PKCS#8 key).');
    const pem = await fs.readFile(path.resolve(v.certificate), 'utf8');
    registerSecret(pem);
    if (!pem.includes(PKCS8_HEADER)) throw new UsageError(`${v.certificate} holds no PKCS#8 private key (${PKCS8_HEADER}); convert one with: openssl pkcs8 -topk8 -nocrypt`);
    return { certificatePem: pem };
  }
  const name = v['client-secret-env'] ?? DEFAULT_SECRET_ENV;
  const secret = process.env[name];
  if (!secret) throw new UsageError(`Set ${name} to the client secret (or name another variable with --client-secret-env).`);
  registerSecret(secret);
  return { secret };
}
