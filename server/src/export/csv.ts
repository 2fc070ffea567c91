/**
 * CSV export (RFC 4180): CRLF line ends, every field that holds a comma, quote, CR or LF is quoted with quotes
 * doubled. One row per evidence row, and one column per control of the scope holding "x" when the row supports it.
 * Spreadsheets run a cell that starts with = + - @ (or tab/CR, which some strip first) as a formula, and evidence
 * text comes from the tenant (resource names, tags): such cells get a leading apostrophe.
 */
import type { ExportContext } from './context';
import { selectEvidence } from './query';
import type { TextSink } from './sink';

const FORMULA = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: neutralized against formula injection, then quoted if RFC 4180 requires it. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let s = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with its CRLF. */
export function csvLine(cells: unknown[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/** Fixed columns, before the control columns; `data` (JSON) comes last because it is the widest. */
export const CSV_COLUMNS = [
  'id', 'connection', 'tenantId', 'subscriptionId', 'type', 'subject', 'label', 'status', 'reason',
  'observedAt', 'lastSeenAt', 'fingerprint', 'runId',
] as const;

/** Writes the header and one record per row in scope; returns the row count. */
export async function writeCsv(sink: TextSink, ctx: ExportContext): Promise<number> {
  const controls = ctx.tally.controls.map((c) => c.id);
  await sink.write(csvLine([...CSV_COLUMNS, ...controls, 'data']));
  let n = 0;
  for (const r of selectEvidence(ctx.src, ctx.scope)) {
    const row = ctx.src.toRow(r);
    await sink.write(csvLine([
      row.id, row.connectionName, row.tenantId, row.subscriptionId, row.type, row.subject, row.label, row.status, row.reason,
      row.observedAt, row.lastSeenAt, row.fingerprint, row.runId,
      ...controls.map((c) => (row.controls.includes(c) ? 'x' : '')), row.data,
    ]));
    ctx.progress(++n, ctx.tally.rows);
  }
  return n;
}
