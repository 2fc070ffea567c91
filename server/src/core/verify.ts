/**
 * `rampart verify`: checks the audit log of a store file without opening the store for writing, so verifying never
 * changes (or repairs) the evidence it is asked to judge.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AuditVerifyResult } from '../protocol';
import { migrate } from '../store/migrations';
import { STORE_FILE } from '../store/store';
import { verifyAudit } from './audit';

/** Reads `<dir>/rampart.json` as it is on disk and verifies its audit chain and anchor. */
export async function verifyStoreFile(dir: string): Promise<AuditVerifyResult & { file: string }> {
  const file = path.join(dir, STORE_FILE);
  const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read the Rampart store ${file} (${e.code ?? e.message}).`);
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`The Rampart store ${file} is not valid JSON (${(e as Error).message}).`);
  }
  // In memory only: an older file is read the way this Rampart would read it, and nothing is written back.
  const data = migrate(raw, file);
  return { file, ...verifyAudit(data.audit ?? [], data.meta?.auditAnchor) };
}
