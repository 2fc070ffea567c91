/**
 * `verifyBundle`: re-reads a bundle and checks it against its own manifest and audit chain. Every file's SHA-256
 * and size must match manifest.json, no file may be missing or unlisted, and the audit slice must chain row to row
 * (and to the log's anchor when the slice reaches the end of the log). Problems are collected, not thrown, so one
 * run reports everything an auditor needs to know.
 */
import { createHash } from 'node:crypto';
import * as yauzl from 'yauzl';
import { AUDIT_SLICE_SCHEMA, BUNDLE_SCHEMA, MANIFEST } from './bundle';
import { type ExportAuditRow, auditHash } from './source';

export interface BundleVerification {
  ok: boolean;
  problems: string[];
  /** Files checked against the manifest, and audit rows checked in the chain. */
  files: number;
  auditRows: number;
}

interface Read { sha256: string; bytes: number; text?: string }

/** Files whose content is parsed after hashing (the rest are only hashed, streamed). */
const PARSED = new Set([MANIFEST, 'audit.json']);

/** Reads every entry of the zip, hashing it; keeps the text of the manifest and the audit slice. */
async function readZip(zipPath: string, problems: string[]): Promise<Map<string, Read>> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true });
  const out = new Map<string, Read>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (e: yauzl.Entry) => {
        if (/\/$/.test(e.fileName)) { zip.readEntry(); return; }
        if (out.has(e.fileName)) problems.push(`${e.fileName} appears twice in the zip.`);
        zip.openReadStream(e, (err, stream) => {
          if (err) { reject(err); return; }
          const hash = createHash('sha256');
          const keep: Buffer[] = [];
          let bytes = 0;
          stream.on('data', (d: Buffer) => { hash.update(d); bytes += d.length; if (PARSED.has(e.fileName)) keep.push(d); });
          stream.on('error', reject);
          stream.on('end', () => {
            out.set(e.fileName, { sha256: hash.digest('hex'), bytes, text: PARSED.has(e.fileName) ? Buffer.concat(keep).toString('utf8') : undefined });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return out;
}

/** Checks a bundle; never throws for a bad bundle (only for an unreadable file, e.g. not a zip). */
export async function verifyBundle(zipPath: string): Promise<BundleVerification> {
  const problems: string[] = [];
  const entries = await readZip(zipPath, problems);
  const manifestText = entries.get(MANIFEST)?.text;
  if (manifestText === undefined) return { ok: false, problems: [...problems, 'manifest.json is missing: this is not a Rampart bundle.'], files: 0, auditRows: 0 };
  let manifest: { schema?: unknown; files?: { path: string; sha256: string; bytes: number }[] };
  try {
    manifest = JSON.parse(manifestText);
  } catch (e) {
    return { ok: false, problems: [...problems, `manifest.json is not valid JSON (${(e as Error).message}).`], files: 0, auditRows: 0 };
  }
  if (manifest.schema !== BUNDLE_SCHEMA) problems.push(`manifest.json has schema ${JSON.stringify(manifest.schema)}, expected ${BUNDLE_SCHEMA}.`);
  const listed = Array.isArray(manifest.files) ? manifest.files : [];
  if (!Array.isArray(manifest.files)) problems.push('manifest.json has no file list.');
  for (const f of listed) {
    const got = entries.get(f.path);
    if (!got) problems.push(`${f.path} is listed in the manifest but missing from the bundle.`);
    else if (got.sha256 !== f.sha256) problems.push(`${f.path} was modified: its SHA-256 is ${got.sha256}, the manifest says ${f.sha256}.`);
    else if (got.bytes !== f.bytes) problems.push(`${f.path} has ${got.bytes} bytes, the manifest says ${f.bytes}.`);
  }
  const names = new Set(listed.map((f) => f.path));
  for (const name of entries.keys()) if (name !== MANIFEST && !names.has(name)) problems.push(`${name} is in the bundle but not in the manifest.`);

  let auditRows = 0;
  const auditText = entries.get('audit.json')?.text;
  if (auditText === undefined) problems.push('audit.json is missing.');
  else {
    try {
      const slice = JSON.parse(auditText) as AuditSliceFile;
      auditRows = Array.isArray(slice.rows) ? slice.rows.length : 0;
      problems.push(...verifyAuditSlice(slice));
    } catch (e) {
      problems.push(`audit.json is not valid JSON (${(e as Error).message}).`);
    }
  }
  return { ok: problems.length === 0, problems, files: listed.length, auditRows };
}

type SliceRow = ExportAuditRow | { seq?: number; at: string; omitted: true; prevHash: string; hash: string };
interface AuditSliceFile { schema?: string; start: number; logLength: number; anchor?: { count: number; headHash: string }; rows: SliceRow[] }

/**
 * Checks an audit slice: each row's prevHash is the hash of the row before it (an omitted row, of a connection
 * outside the export, stands in with its recorded hash), sequence numbers run without gaps, a slice starting the
 * log starts the chain, and a slice reaching the end of the log ends at the anchor's head hash and count.
 */
export function verifyAuditSlice(slice: AuditSliceFile): string[] {
  const problems: string[] = [];
  if (slice.schema !== AUDIT_SLICE_SCHEMA) problems.push(`audit.json has schema ${JSON.stringify(slice.schema)}, expected ${AUDIT_SLICE_SCHEMA}.`);
  if (!Array.isArray(slice.rows)) return [...problems, 'audit.json has no rows array.'];
  const rows = slice.rows;
  const hashOf = (r: SliceRow) => ('omitted' in r && r.omitted ? r.hash : auditHash(r as ExportAuditRow));
  let prevHash: string | undefined;
  for (const [i, r] of rows.entries()) {
    const where = `audit.json row ${i} (log row ${slice.start + i}${r.at ? `, ${r.at}` : ''})`;
    if (i === 0 && slice.start === 0 && r.prevHash !== '') problems.push(`${where} should start the chain but records a previous hash.`);
    if (prevHash !== undefined && r.prevHash !== prevHash) problems.push(`${where} does not chain to the row before it: a row was edited, inserted or removed.`);
    const prev = rows[i - 1];
    if (prev && prev.seq !== undefined && r.seq !== undefined && r.seq !== prev.seq + 1) problems.push(`${where} has sequence ${r.seq} after ${prev.seq}: rows are missing or repeated.`);
    if (r.seq !== undefined && r.seq !== slice.start + i) problems.push(`${where} has sequence ${r.seq}, expected ${slice.start + i}.`);
    prevHash = hashOf(r);
  }
  const reachesEnd = slice.start + rows.length === slice.logLength;
  if (slice.start + rows.length > slice.logLength) problems.push(`audit.json holds more rows than the log had (${slice.logLength}).`);
  if (reachesEnd && rows.length && slice.anchor) {
    if (slice.anchor.count !== slice.logLength) problems.push(`The audit anchor counts ${slice.anchor.count} rows but the log had ${slice.logLength}.`);
    if (slice.anchor.headHash !== prevHash) problems.push('The last audit row does not match the anchor\'s head hash: it was edited or replaced.');
  }
  return problems;
}
