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
 * Entries are streamed into the zip one after another; each is hashed as it is written. The rows are read and
 * serialized once: one pass spills each control's rows (and the CSV lines) to private temporary files, which are
 * then streamed into their entries.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as yazl from 'yazl';
import { type ExportContext, EVIDENCE_SCHEMA, GENERATOR } from './context';
import { csvLine } from './csv';
import { type BundleFileEntry, renderIndexHtml } from './html';
import { jsonHead, jsonRowText, jsonTail } from './json';
import { auditSlice, selectEvidence, selectRuns } from './query';
import { TextSink } from './sink';
import { redact } from '../util/redact';
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
  const inScope = new Set(tally.controls.map((c) => c.id));
  const withUnmapped = !scope.controls && tally.unmapped > 0;
  // Progress: the pass over the rows, then copying the spilled files into the zip (by bytes), `rows` units each.
  const total = 2 * tally.rows;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-bundle-'));
  try {
    // One pass over the rows: each is serialized (and redacted) once, then appended to the spill file of every
    // control it supports, and its lines to the CSV's. The zip takes entries one at a time, so the files are
    // spilled to disk rather than held in memory, then streamed in.
    const spills = new Map<string, Spill>();
    for (const c of tally.controls) spills.set(c.id, new Spill(path.join(dir, `${spills.size}.json`)));
    const unmapped = withUnmapped ? new Spill(path.join(dir, 'unmapped.json')) : undefined;
    const csv = new Spill(path.join(dir, 'controls.csv'));
    try {
      await csv.add(csvLine(['control', 'evidenceId', 'connection', 'type', 'subject', 'status', 'observedAt', 'lastSeenAt', 'fingerprint', 'file']));
      let done = 0;
      for (const r of selectEvidence(src, scope)) {
        const row = src.toRow(r);
        const json = redact(JSON.stringify(row));
        if (!row.controls.length) {
          if (unmapped) await unmapped.add(jsonRowText(unmapped.count++, json));
        }
        for (const c of row.controls) {
          const spill = spills.get(c);
          if (!spill || !inScope.has(c)) continue;
          await spill.add(jsonRowText(spill.count++, json));
          await csv.add(redact(csvLine([c, row.id, row.connectionName, row.type, row.subject, row.status, row.observedAt, row.lastSeenAt, row.fingerprint, controlFileName(c)])));
        }
        ctx.progress(++done, total);
      }
    } finally {
      await Promise.all([...spills.values(), csv, ...(unmapped ? [unmapped] : [])].map((x) => x.close()));
    }

    const spilled = [...spills.values(), csv, ...(unmapped ? [unmapped] : [])].reduce((n, x) => n + x.bytes, 0) || 1;
    let copied = 0;
    const copy = async (sink: TextSink, spill: Spill) => {
      for await (const chunk of createReadStream(spill.file)) {
        await sink.writeRedacted(chunk as Buffer);
        copied += (chunk as Buffer).length;
        ctx.progress(tally.rows + Math.floor((tally.rows * copied) / spilled), total);
      }
    };
    for (const c of tally.controls) {
      const byStatus = { pass: c.evidenceCount - c.failing - c.unknown, fail: c.failing, unknown: c.unknown };
      const spill = spills.get(c.id)!;
      await entry(controlFileName(c.id), async (sink) => {
        await sink.write(jsonHead(ctx, { ...scope, controls: [c.id] }, { ...tally, rows: c.evidenceCount, byStatus, unmapped: 0, controls: [c] }));
        await copy(sink, spill);
        await sink.write(jsonTail(spill.count));
      });
    }
    if (unmapped) {
      await entry('evidence/unmapped.json', async (sink) => {
        await sink.write(jsonHead(ctx, scope, { ...tally, rows: tally.unmapped, controls: [] }));
        await copy(sink, unmapped);
        await sink.write(jsonTail(unmapped.count));
      });
    }
    await entry('controls-to-evidence.csv', (sink) => copy(sink, csv));
    ctx.progress(total, total);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }

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
  if (ctx.grades) await entry('grades.json', (sink) => sink.write(JSON.stringify(ctx.grades, null, 2) + '\n'));
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

/** Small writes gathered before they reach a spill file. */
const SPILL_CHUNK = 64 * 1024;

/** A private temporary file written with backpressure; `count` is for the caller (rows appended). */
class Spill {
  private readonly stream: WriteStream;
  private parts: string[] = [];
  private length = 0;
  private closed = false;
  bytes = 0;
  count = 0;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { flags: 'wx', mode: 0o600 });
    this.stream.on('error', () => undefined);
  }

  async add(text: string): Promise<void> {
    this.parts.push(text);
    this.length += text.length;
    if (this.length >= SPILL_CHUNK) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.length) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.length = 0;
    this.bytes += buf.length;
    if (!this.stream.write(buf)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      this.stream.end();
      if (!this.stream.closed) await once(this.stream, 'close');
    }
  }
}
