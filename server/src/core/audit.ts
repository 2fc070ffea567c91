/**
 * The append-only audit log. Each row holds the SHA-256 of the previous row's canonical form, so an edited,
 * inserted or deleted row breaks the chain (verification comes with the evidence engine).
 */
import * as os from 'node:os';
import type { AuditAction, AuditRecord, StoreData } from '../store/schema';
import { canonicalJson, sha256 } from '../util/canonical';
import { newId } from '../util/ids';

export function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export function appendAudit(
  data: StoreData, at: Date, action: AuditAction, connectionId: string | undefined, details: Record<string, unknown>,
): AuditRecord {
  const prev = data.audit[data.audit.length - 1];
  const row: AuditRecord = {
    id: newId('audit'), at: at.toISOString(), user: osUser(), action, connectionId, details,
    prevHash: prev ? sha256(canonicalJson(prev)) : '',
  };
  data.audit.push(row);
  return row;
}
