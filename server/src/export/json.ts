/**
 * JSON export: one schema-versioned document (schema.json, docs/export.md). The header is serialized whole; the
 * evidence array is streamed row by row, so the document is never held in memory.
 */
import { type ExportContext, EVIDENCE_SCHEMA, GENERATOR } from './context';
import type { ExportGrades } from './grades';
import { type ExportScope, type ExportTally, selectEvidence } from './query';
import type { TextSink } from './sink';
import type { StoreEvidence } from './source';

/**
 * Writes a rampart-evidence/1 document. `sub` narrows it (the bundle writes one document per control): its scope
 * replaces the export's, and rows come from `sub.rows` when given.
 */
export async function writeJson(
  sink: TextSink, ctx: ExportContext,
  sub?: { scope: ExportScope; tally: ExportTally; rows?: Iterable<StoreEvidence>; onRow?(): void },
): Promise<number> {
  const scope = sub?.scope ?? ctx.scope;
  const t = sub?.tally ?? ctx.tally;
  // The grades travel in the export's own document, not in the bundle's per-control ones.
  await sink.write(jsonHead(ctx, scope, t, sub ? undefined : ctx.grades));
  let n = 0;
  for (const r of sub?.rows ?? selectEvidence(ctx.src, scope)) {
    await sink.write(jsonRowText(n, JSON.stringify(ctx.src.toRow(r))));
    n++;
    if (sub) sub.onRow?.();
    else ctx.progress(n, t.rows);
  }
  await sink.write(jsonTail(n));
  return n;
}

/**
 * The pieces of a document, for writers that stream the rows from elsewhere (the bundle): head, then each row as
 * `jsonRowText(index, json)`, then `jsonTail(count)`. Concatenated they are exactly what writeJson writes.
 */
export function jsonHead(ctx: ExportContext, scope: ExportScope, t: ExportTally, grades?: ExportGrades): string {
  const header = {
    schema: EVIDENCE_SCHEMA, exportedAt: ctx.exportedAt, generator: GENERATOR, scope,
    summary: { rows: t.rows, byStatus: t.byStatus }, controls: t.controls, ...(grades ? { grades } : {}),
  };
  return JSON.stringify(header).slice(0, -1) + ',"evidence":[';
}
export const jsonRowText = (index: number, json: string): string => (index ? ',\n' : '\n') + json;
export const jsonTail = (count: number): string => (count ? '\n]}\n' : ']}\n');
