/**
 * The evidence bundle (.zip) an auditor receives:
 *   evidence/<control>.json   a rampart-evidence/1 document per control (evidence/unmapped.json for rows with none)
 *   controls-to-evidence.csv  one line per (control, evidence row)
 *   audit.json                the audit-log slice of the period with its hash chain (audit.ts)
 *   runs.json                 the sync runs of the period
 *   schema/...json            the JSON Schema of the evidence files
 *   index.html                a self-contained summary with coverage charts
 *   manifest.json             SHA-256 and size of every other file; written last
 * Entries are streamed into the zip one after another; each is hashed as it is written, so nothing is read twice.
 */
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as yazl from 'yazl';
import { type ExportContext, EVIDENCE_SCHEMA, GENERATOR } from './context';
import { csvLine } from './csv';
import { type BundleFileEntry, renderIndexHtml } from './html';
import { writeJson } from './json';
import { auditSlice, selectEvidence, selectRuns } from './query';
import { TextSink } from './sink';
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
  const zip = new yazl.ZipFile();
  const piping = pipeline(zip.outputStream, out);
  // If the file stream fails, yazl stops reading the entry we are writing and its drain never comes: fail instead.
  const broken = piping.then(() => new Promise<never>(() => undefined));
  broken.catch(() => undefined);
  const mtime = new Date(ctx.exportedAt);
  const files: BundleFileEntry[] = [];
  const entry = async (name: string, fill: (sink: TextSink) => Promise<unknown>) => {
    const pt = new PassThrough();
    zip.addReadStream(pt, name, { mtime, mode: 0o100644, compressionLevel: COMPRESSION });
    const sink = new TextSink(pt);
    await Promise.race([fill(sink), broken]);
    const { sha256, bytes } = await sink.end();
    files.push({ path: name, sha256, bytes });
  };

  const { src, scope, tally } = ctx;
  const total = tally.controls.reduce((n, c) => n + c.evidenceCount, 0) + (scope.controls ? 0 : tally.unmapped);
  let done = 0;
  const onRow = () => ctx.progress(++done, total);
  for (const c of tally.controls) {
    const byStatus = { pass: c.evidenceCount - c.failing - c.unknown, fail: c.failing, unknown: c.unknown };
    await entry(controlFileName(c.id), (sink) => writeJson(sink, ctx, {
      scope: { ...scope, controls: [c.id] }, tally: { ...tally, rows: c.evidenceCount, byStatus, unmapped: 0, controls: [c] }, onRow,
    }));
  }
  if (!scope.controls && tally.unmapped) {
    await entry('evidence/unmapped.json', (sink) => writeJson(sink, ctx, {
      scope, tally: { ...tally, rows: tally.unmapped, controls: [] }, rows: selectEvidence(src, scope, { unmapped: true }), onRow,
    }));
  }

  await entry('controls-to-evidence.csv', async (sink) => {
    await sink.write(csvLine(['control', 'evidenceId', 'connection', 'type', 'subject', 'status', 'observedAt', 'lastSeenAt', 'fingerprint', 'file']));
    const inScope = new Set(tally.controls.map((c) => c.id));
    for (const r of selectEvidence(src, scope)) {
      const row = src.toRow(r);
      for (const c of row.controls) {
        if (!inScope.has(c)) continue;
        await sink.write(csvLine([c, row.id, row.connectionName, row.type, row.subject, row.status, row.observedAt, row.lastSeenAt, row.fingerprint, controlFileName(c)]));
      }
    }
  });

  const slice = auditSlice(src, scope);
  await entry('audit.json', async (sink) => {
    const head = { schema: AUDIT_SLICE_SCHEMA, exportedAt: ctx.exportedAt, start: slice.start, logLength: slice.logLength, anchor: slice.anchor };
    await sink.write(JSON.stringify(head).slice(0, -1) + ',"rows":[');
    for (const [i, r] of slice.rows.entries()) await sink.write((i ? ',\n' : '\n') + JSON.stringify(r));
    await sink.write(']}\n');
  });

  let runs = 0;
  await entry('runs.json', async (sink) => {
    await sink.write(`{"schema":${JSON.stringify(RUNS_SCHEMA)},"runs":[`);
    for (const r of selectRuns(src, scope)) await sink.write((runs++ ? ',\n' : '\n') + JSON.stringify(r));
    await sink.write(']}\n');
  });

  // The schema the evidence files follow travels with them: the auditor needs no access to Rampart to check them.
  await entry('schema/rampart-evidence-1.json', (sink) => sink.write(JSON.stringify(evidenceSchema, null, 2) + '\n'));
  await entry('index.html', (sink) => sink.write(renderIndexHtml(ctx, files, runs, slice.rows.length)));

  // The manifest is not hashed by itself: it is what the hashes are checked against.
  const manifest = {
    schema: BUNDLE_SCHEMA, evidenceSchema: EVIDENCE_SCHEMA, exportedAt: ctx.exportedAt, generator: GENERATOR, scope,
    summary: { rows: tally.rows, byStatus: tally.byStatus, runs, auditRows: slice.rows.length },
    files,
  };
  const pt = new PassThrough();
  zip.addReadStream(pt, MANIFEST, { mtime, mode: 0o100644 });
  const sink = new TextSink(pt);
  await sink.write(JSON.stringify(manifest, null, 2) + '\n');
  await sink.end();
  zip.end();
  await piping;
  return files;
}
