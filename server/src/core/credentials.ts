/**
 * Where a sync gets a connection's secret or private key. The extension answers from VS Code SecretStorage (over
 * the protocol); the CLI reads the environment variable or the PEM file the connection names. Nothing from here is
 * ever written to the store or a log.
 */
import { promises as fs } from 'node:fs';
import type { CredentialMaterial } from '../azure/clients';
import type { ConnectionRecord } from '../store/schema';
import { registerSecret } from '../util/redact';

export interface CredentialSource {
  /** The connection's credential, or undefined when this source has none for it. */
  get(connection: ConnectionRecord): Promise<CredentialMaterial | undefined>;
}

export const DEFAULT_SECRET_ENV = 'AZURE_CLIENT_SECRET';

/** CLI and headless: the environment variable (default AZURE_CLIENT_SECRET) or the certificate file. */
export class EnvironmentCredentialSource implements CredentialSource {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(c: ConnectionRecord): Promise<CredentialMaterial | undefined> {
    if (c.credentialKind === 'certificate') {
      if (!c.certificateFile) return undefined;
      const pem = await fs.readFile(c.certificateFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw new Error(`The certificate file ${c.certificateFile} of connection '${c.name}' cannot be read (${e.code ?? e.message}).`);
      });
      registerSecret(pem);
      return { certificatePem: pem };
    }
    const secret = this.env[c.secretEnv ?? DEFAULT_SECRET_ENV];
    if (!secret) return undefined;
    registerSecret(secret);
    return { secret };
  }
}

/** Asks each source in turn; the first that has the credential wins. */
export class CredentialChain implements CredentialSource {
  constructor(private readonly sources: CredentialSource[]) {}

  async get(c: ConnectionRecord): Promise<CredentialMaterial | undefined> {
    for (const s of this.sources) {
      const m = await s.get(c);
      if (m) {
        registerSecret(m.secret);
        registerSecret(m.certificatePem);
        return m;
      }
    }
    return undefined;
  }
}

export function missingCredentialMessage(c: ConnectionRecord): string {
  if (c.credentialKind === 'microsoft-account') {
    return `Connection '${c.name}' signs in with the VS Code Microsoft account, which only VS Code can use: sync it from VS Code, or connect the CLI with --azure-cli or a service principal.`;
  }
  if (c.credentialKind === 'certificate') {
    return `No certificate is available for connection '${c.name}': run 'Rampart: Update Credentials' (CLI: rampart connect --certificate FILE).`;
  }
  return `No client secret is available for connection '${c.name}': run 'Rampart: Update Credentials' ` +
    `(CLI: set ${c.secretEnv ?? DEFAULT_SECRET_ENV} in the environment).`;
}
