/**
 * JSON Lines export: one evidence row per line, the same object as the JSON format's `evidence` items (schema.json
 * `$defs/evidenceRow`), and nothing else, so `jq`, `split` and log pipelines can take it line by line.
 */
import type { ExportContext } from './context';
import { selectEvidence } from './query';
import type { TextSink } from './sink';

/** Writes every row in scope as a line; returns the row count. */
export async function writeJsonl(sink: TextSink, ctx: ExportContext): Promise<number> {
  let n = 0;
  for (const r of selectEvidence(ctx.src, ctx.scope)) {
    await sink.write(JSON.stringify(ctx.src.toRow(r)) + '\n');
    ctx.progress(++n, ctx.tally.rows);
  }
  return n;
}
