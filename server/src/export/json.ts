/**
 * JSON export: one schema-versioned document (schema.json, docs/export.md). The header is serialized whole; the
 * evidence array is streamed row by row, so the document is never held in memory.
 */
import { type ExportContext, EVIDENCE_SCHEMA, GENERATOR } from './context';
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
  const header = {
    schema: EVIDENCE_SCHEMA, exportedAt: ctx.exportedAt, generator: GENERATOR, scope,
    summary: { rows: t.rows, byStatus: t.byStatus }, controls: t.controls,
  };
  const head = JSON.stringify(header);
  await sink.write(head.slice(0, -1) + ',"evidence":[');
  let n = 0;
  for (const r of sub?.rows ?? selectEvidence(ctx.src, scope)) {
    await sink.write((n ? ',\n' : '\n') + JSON.stringify(ctx.src.toRow(r)));
    n++;
    if (sub) sub.onRow?.();
    else ctx.progress(n, t.rows);
  }
  await sink.write(n ? '\n]}\n' : ']}\n');
  return n;
}
