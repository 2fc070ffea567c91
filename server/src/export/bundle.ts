/**
 * The evidence bundle (.zip) an auditor receives:
 *   evidence/<control>.json   a rampart-evidence/1 document per control (evidence/unmapped.json for rows with none)
 *   controls-to-evidence.csv  one line per (control, evidence row)
 *   audit.json                the audit-log slice of the period with its hash chain (audit.ts)
 *   runs.json                 the sync runs of the period
 *   schema/...json            the JSON Schema of the evidence files
 *   grades.json               posture grades with their explanation (grades.ts), when the export has them
 *   index.html                a self-contained summary with coverage charts
 *   manifest.json             SHA-256 and size of every other file; written last
 * The rows are read and serialized once: one pass appends each row to the entry of every control it supports (and its
 * lines to the CSV's), each entry deflated as it grows into a private temporary file (zip.ts), hashed on the way; the
 * archive is then assembled from those files. The small files follow, held in memory, and the manifest last.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { type ExportContext, EVIDENCE_SCHEMA, GENERATOR } from './context';
import { csvCell, csvLine } from './csv';
import { type BundleFileEntry, renderIndexHtml } from './html';
import { jsonHead, jsonRowText, jsonTail } from './json';
import { auditSlice, selectEvidence, selectRuns } from './query';
import { redact } from '../util/redact';
import { DeflatingEntry, ZipWriter, type ZipEntryInfo } from './zip';
import evidenceSchema from './schema.json';

export const BUNDLE_SCHEMA = 'rampart-bundle/1';
export const AUDIT_SLICE_SCHEMA = 'rampart-audit-slice/1';
export const RUNS_SCHEMA = 'rampart-runs/1';
export const MANIFEST = 'manifest.json';
/** zlib level 1: JSON this repetitive still shrinks about fourfold, at a fraction of level 6's time. */
const COMPRESSION = 1;

/** A control id as a file name: ids are like CC6.1 or A.5.15, but nothing tenant-made may shape a path. */
export function controlFileName(id: string): string {
  return `evidence/${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
}

/** Writes the bundle to `out` and ends it; resolves with the manifest's file list. */
export async function writeBundle(out: Writable, ctx: ExportContext): Promise<BundleFileEntry[]> {
  const zip = new ZipWriter(out, new Date(ctx.exportedAt), COMPRESSION);
  const files: BundleFileEntry[] = [];
  const listed = (e: ZipEntryInfo) => files.push({ path: e.name, sha256: e.sha256, bytes: e.size });
  // Small files: built whole, redacted whole (a secret cannot straddle anything), deflated in memory.
  const small = async (name: string, text: string) => listed(await zip.addBuffer(name, Buffer.from(redact(text), 'utf8')));

  const { src, scope, tally } = ctx;
  const inScope = new Set(tally.controls.map((c) => c.id));
  const withUnmapped = !scope.controls && tally.unmapped > 0;
  // Progress: the pass over the rows, then copying the compressed entries into the zip (by bytes), `rows` units each.
  const total = 2 * tally.rows;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-bundle-'));
  try {
    const open: DeflatingEntry[] = [];
    const entry = (name: string) => new DeflatingEntry(name, path.join(dir, `${open.length}.deflate`), COMPRESSION);
    // A control's CSV cells (its id first, its file last) are the same on every line: quoted and redacted once.
    const controls = new Map<string, { entry: DeflatingEntry; count: number; csvHead: string; csvTail: string }>();
    let unmapped: { entry: DeflatingEntry; count: number } | undefined;
    let csv: DeflatingEntry;
    let finished: { info: ZipEntryInfo; file: string }[];
    try {
      // Every entry's head is known before the pass (the tally was counted first), its tail after it.
      for (const c of tally.controls) {
        const e = entry(controlFileName(c.id));
        open.push(e);
        controls.set(c.id, { entry: e, count: 0, csvHead: redact(csvCell(c.id)) + ',', csvTail: ',' + redact(csvCell(controlFileName(c.id))) + '\r\n' });
        const byStatus = { pass: c.evidenceCount - c.failing - c.unknown, fail: c.failing, unknown: c.unknown };
        await e.write(redact(jsonHead(ctx, { ...scope, controls: [c.id] }, { ...tally, rows: c.evidenceCount, byStatus, unmapped: 0, controls: [c] })));
      }
      if (withUnmapped) {
        const e = entry('evidence/unmapped.json');
        open.push(e);
        unmapped = { entry: e, count: 0 };
        await e.write(redact(jsonHead(ctx, scope, { ...tally, rows: tally.unmapped, controls: [] })));
      }
      csv = entry('controls-to-evidence.csv');
      open.push(csv);
      await csv.write(csvLine(['control', 'evidenceId', 'connection', 'type', 'subject', 'status', 'observedAt', 'lastSeenAt', 'fingerprint', 'file']));

      // One pass over the rows: each is serialized (and redacted) once, as JSON and as the row's CSV cells, then
      // appended to the entry of every control it supports, and its lines to the CSV's.
      let done = 0;
      for (const r of selectEvidence(src, scope)) {
        const row = src.toRow(r);
        const json = redact(JSON.stringify(row));
        if (!row.controls.length && unmapped) await unmapped.entry.write(jsonRowText(unmapped.count++, json));
        let cells: string | undefined;
        for (const c of row.controls) {
          const target = controls.get(c);
          if (!target || !inScope.has(c)) continue;
          await target.entry.write(jsonRowText(target.count++, json));
          cells ??= redact([row.id, row.connectionName, row.type, row.subject, row.status, row.observedAt, row.lastSeenAt, row.fingerprint].map(csvCell).join(','));
          await csv.write(target.csvHead + cells + target.csvTail);
        }
        ctx.progress(++done, total);
      }
      for (const t of [...controls.values(), ...(unmapped ? [unmapped] : [])]) await t.entry.write(jsonTail(t.count));
      finished = await Promise.all(open.map(async (e) => ({ info: await e.end(), file: e.file })));
    } catch (e) {
      // Every entry is stopped (one end() rejecting leaves the others running), and its file closed, before the
      // `finally` below removes the directory they write into.
      for (const x of open) x.destroy();
      await Promise.allSettled(open.map((x) => x.closed()));
      throw e;
    }

    const compressed = finished.reduce((n, f) => n + f.info.compressedSize, 0) || 1;
    let copied = 0;
    for (const f of finished) {
      await zip.addDeflated(f.info, f.file, (n) => {
        copied += n;
        ctx.progress(tally.rows + Math.floor((tally.rows * copied) / compressed), total);
      });
      listed(f.info);
    }
    ctx.progress(total, total);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }

  const slice = auditSlice(src, scope);
  const head = { schema: AUDIT_SLICE_SCHEMA, exportedAt: ctx.exportedAt, start: slice.start, logLength: slice.logLength, anchor: slice.anchor };
  await small('audit.json', JSON.stringify(head).slice(0, -1) + ',"rows":[' + slice.rows.map((r) => '\n' + JSON.stringify(r)).join(',') + ']}\n');

  const runRows = [...selectRuns(src, scope)].map((r) => '\n' + JSON.stringify(r));
  await small('runs.json', `{"schema":${JSON.stringify(RUNS_SCHEMA)},"runs":[${runRows.join(',')}]}\n`);

  // The schema the evidence files follow travels with them: the auditor needs no access to Rampart to check them.
  await small('schema/rampart-evidence-1.json', JSON.stringify(evidenceSchema, null, 2) + '\n');
  if (ctx.grades) await small('grades.json', JSON.stringify(ctx.grades, null, 2) + '\n');
  await small('index.html', renderIndexHtml(ctx, files, runRows.length, slice.rows.length));

  // The manifest is not hashed by itself: it is what the hashes are checked against.
  const manifest = {
    schema: BUNDLE_SCHEMA, evidenceSchema: EVIDENCE_SCHEMA, exportedAt: ctx.exportedAt, generator: GENERATOR, scope,
    summary: { rows: tally.rows, byStatus: tally.byStatus, runs: runRows.length, auditRows: slice.rows.length },
    files,
  };
  await zip.addBuffer(MANIFEST, Buffer.from(redact(JSON.stringify(manifest, null, 2) + '\n'), 'utf8'));
  await zip.end();
  return files;
}
