import * as vscode from 'vscode';
import type { CredentialKind, CredentialParams, CredentialResult } from '../../server/src/protocol';

/**
 * Credentials live only in SecretStorage (the OS keychain), keyed by connection id. The daemon asks for them with
 * GetCredential when a sync needs to sign in and keeps them in memory; no setting, log line or store holds one.
 */
export function secretKey(connectionId: string, kind: CredentialKind): string {
  return `rampart.connection.${connectionId}.${kind}`;
}

export class Credentials {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async store(connectionId: string, kind: CredentialKind, value: string): Promise<void> {
    await this.secrets.store(secretKey(connectionId, kind), value);
  }

  /** Removes a connection's credential (revoke). */
  async delete(connectionId: string, kind: CredentialKind): Promise<void> {
    await this.secrets.delete(secretKey(connectionId, kind));
  }

  /** The answer to the daemon's GetCredential: null when nothing is stored, so the daemon reports needs-credentials. */
  async answer(params: CredentialParams): Promise<CredentialResult | null> {
    const value = await this.secrets.get(secretKey(params.connectionId, params.kind));
    if (!value) return null;
    return params.kind === 'certificate' ? { certificatePem: value } : { secret: value };
  }
}
