/**
 * The append-only audit log. Each row holds the SHA-256 of the previous row's canonical form, so an edited,
 * inserted or deleted row breaks the chain. The row count and the hash of the last row are kept as an anchor in the
 * store's metadata, written in the same atomic write as the row, so a truncated tail is noticed too.
 */
import * as os from 'node:os';
import type { AuditAction, AuditAnchor, AuditRecord, StoreData } from '../store/schema';
import { canonicalJson, sha256 } from '../util/canonical';
import { newId } from '../util/ids';

/** The OS user running Rampart, recorded with every audit row. */
export function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/** The hash the next row stores as prevHash. */
export function auditRowHash(row: AuditRecord): string {
  return sha256(canonicalJson(row));
}

/** Appends one row to the chain and moves the anchor; call inside a store update so both land in one write. */
export function appendAudit(
  data: StoreData, at: Date, action: AuditAction, connectionId: string | undefined, details: Record<string, unknown>,
  user: string = osUser(),
): AuditRecord {
  const prev = data.audit[data.audit.length - 1];
  const row: AuditRecord = {
    id: newId('audit'), seq: data.audit.length, at: at.toISOString(), user, action, connectionId, details,
    prevHash: prev ? auditRowHash(prev) : '',
  };
  data.audit.push(row);
  data.meta ??= {};
  data.meta.auditAnchor = { count: data.audit.length, headHash: auditRowHash(row) };
  return row;
}

export type AuditBreak = 'edited' | 'inserted' | 'deleted' | 'truncated' | 'appended';

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first problem found, with the 0-based index of the row where the chain breaks. */
  broken?: { index: number; id?: string; at?: string; action?: string; kind: AuditBreak; message: string };
}

/**
 * Checks the chain and the anchor. The first broken link is classified: a row whose prevHash matches the row two
 * before means the one between was inserted; a gap in `seq` means rows were deleted; otherwise the previous row
 * was edited. Past the last link, a row count or head hash that disagrees with the anchor means a truncated tail,
 * rows appended outside Rampart, or an edited last row.
 */
export function verifyAudit(rows: AuditRecord[], anchor?: AuditAnchor): AuditVerification {
  const hashes = rows.map(auditRowHash);
  const at = (index: number, kind: AuditBreak, message: string): AuditVerification => {
    const r = rows[index];
    return { ok: false, rows: rows.length, broken: { index, id: r?.id, at: r?.at, action: r?.action, kind, message } };
  };
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const prev = rows[i - 1];
    const seqGap = prev?.seq !== undefined && r.seq !== undefined ? r.seq - prev.seq - 1 : 0;
    if (r.prevHash === (i === 0 ? '' : hashes[i - 1])) {
      // A valid link with a sequence gap means someone deleted rows and re-hashed the chain after them.
      if (seqGap > 0) return at(i, 'deleted', `${seqGap} row(s) before row ${i} were deleted (sequence jumps from ${prev.seq} to ${r.seq}).`);
      if (seqGap < 0) return at(i, 'inserted', `Row ${i} repeats sequence number ${r.seq}: it was inserted.`);
      if (i === 0 && r.seq !== undefined && r.seq > 0) return at(0, 'deleted', `The first ${r.seq} row(s) were deleted.`);
      continue;
    }
    if (i === 0) {
      return r.seq !== undefined && r.seq > 0
        ? at(0, 'deleted', `The first ${r.seq} row(s) were deleted.`)
        : at(0, 'edited', 'The first row does not start the chain: it was edited.');
    }
    if (i >= 2 && r.prevHash === hashes[i - 2]) {
      // Two rows claim the same predecessor: the intruder is the one the genuine next row does not chain to.
      if (rows[i + 1]?.prevHash === hashes[i - 1]) return at(i, 'inserted', `Row ${i} was inserted: it copies the link of row ${i - 1}.`);
      return at(i - 1, 'inserted', `Row ${i - 1} was inserted: row ${i} chains to the row before it.`);
    }
    if (seqGap > 0) return at(i, 'deleted', `${seqGap} row(s) before row ${i} were deleted (sequence jumps from ${prev.seq} to ${r.seq}).`);
    const legacy = r.seq === undefined ? ' (or a row after it was deleted)' : '';
    return at(i - 1, 'edited', `Row ${i - 1} was edited${legacy}: its hash no longer matches what row ${i} recorded.`);
  }
  if (anchor) {
    const last = rows.length - 1;
    if (rows.length < anchor.count) return at(Math.max(last, 0), 'truncated', `The log ends after ${rows.length} row(s) but ${anchor.count} were written: the tail was truncated.`);
    if (rows.length > anchor.count) return at(anchor.count, 'appended', `${rows.length - anchor.count} row(s) after row ${anchor.count - 1} were added outside Rampart.`);
    if ((hashes[last] ?? '') !== anchor.headHash) return at(last, 'edited', `The last row (${last}) was edited, or replaced.`);
  }
  return { ok: true, rows: rows.length };
}
