/**
 * Evidence export: `exportEvidence` writes one format for a scope to a file (atomically), `verifyBundle` checks a
 * bundle. The CLI (`rampart export`, `rampart verify PATH`) and the daemon call these; formats live one per module.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { StoreData } from '../store/schema';
import { writeBundle } from './bundle';
import type { ExportContext } from './context';
import { writeCsv } from './csv';
import { computeExportGrades, gradesCsv, gradesCsvPath } from './grades';
import { writeJson } from './json';
import { writeJsonl } from './jsonl';
import { writeOscal } from './oscal';
import { type ExportScope, type ExportScopeInput, resolveScope, tally } from './query';
import { TextSink, writeAtomically } from './sink';
import { storeSource } from './source';
import evidenceSchema from './schema.json';

export { verifyBundle, type BundleVerification } from './verify';
export { ExportScopeError, type ExportScope, type ExportScopeInput } from './query';

/** The JSON Schema of the JSON format (and, at `$defs/evidenceRow`, of each JSON Lines line). */
export const EVIDENCE_JSON_SCHEMA: object = evidenceSchema;

export const EXPORT_FORMATS = ['json', 'csv', 'jsonl', 'bundle', 'oscal'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The file extension each format is usually saved with (the save dialog's default). */
export const FORMAT_EXTENSIONS: Record<ExportFormat, string> = { json: '.json', csv: '.csv', jsonl: '.jsonl', bundle: '.zip', oscal: '.oscal.json' };

export interface ExportOptions {
  format: ExportFormat;
  scope?: ExportScopeInput;
  /** The file to write; replaced only when the export completes. */
  out: string;
  /** The export time written into the files (tests pin it). */
  now?: Date;
  onProgress?(done: number, total: number): void;
  /** Aborting discards the export; nothing is left at `out`. */
  signal?: AbortSignal;
  /** Include posture grades (export/grades.ts) judged with these settings; absent: no grades. */
  grades?: { gracePeriodDays?: number; staleAfterMs?: number };
}

export interface ExportResult {
  file: string;
  format: ExportFormat;
  /** Evidence rows in scope. */
  rows: number;
  bytes: number;
  /** SHA-256 of the written file. */
  sha256: string;
  scope: ExportScope;
  /** CSV with grades: the grades file written beside `file`. */
  gradesFile?: string;
}

/**
 * Exports the store's evidence. `data` is read, never changed, and must not change while the export runs (the
 * daemon calls this between store updates; the CLI owns its store). Throws ExportScopeError for a bad scope.
 */
export async function exportEvidence(data: StoreData, o: ExportOptions): Promise<ExportResult> {
  const src = storeSource(data, o.scope?.framework);
  const scope = resolveScope(src, o.scope ?? {});
  const t = tally(src, scope);
  const now = o.now ?? new Date();
  // JSON Lines is one evidence row a line, with no place for grades: they are not computed for it.
  const grades = o.grades && o.format !== 'jsonl' ? computeExportGrades(data, scope, { now, ...o.grades }) : undefined;
  const ctx: ExportContext = {
    src, scope, tally: t, exportedAt: now.toISOString(), grades,
    progress: (done, total) => {
      o.signal?.throwIfAborted();
      o.onProgress?.(done, total);
    },
  };
  o.signal?.throwIfAborted();
  const written = await writeAtomically(o.out, async (stream) => {
    if (o.format === 'bundle') {
      await writeBundle(stream, ctx);
      return undefined;
    }
    const sink = new TextSink(stream);
    const write = { json: writeJson, csv: writeCsv, jsonl: writeJsonl, oscal: writeOscal }[o.format];
    if (!write) throw new Error(`Unknown export format '${o.format as string}'.`);
    await write(sink, ctx);
    return sink.end();
  });
  const { sha256, bytes } = written ?? await hashFile(o.out);
  // CSV is one table per file: the grades go beside it (X.grades.csv, replaced like X.csv; the result names it).
  const gradesFile = grades && o.format === 'csv' ? gradesCsvPath(o.out) : undefined;
  if (gradesFile) await writeAtomically(gradesFile, async (stream) => { const sink = new TextSink(stream); await sink.write(gradesCsv(grades!)); return sink.end(); });
  return { file: o.out, format: o.format, rows: t.rows, bytes, sha256, scope, ...(gradesFile ? { gradesFile } : {}) };
}

async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) { hash.update(chunk as Buffer); bytes += (chunk as Buffer).length; }
  return { sha256: hash.digest('hex'), bytes };
}
