/**
 * `rampart export --format json|csv|jsonl|bundle|oscal [--connection N] [--control C] [--assessment A]
 *  [--from DATE] [--to DATE] [--framework F] --out PATH` and `rampart verify BUNDLE.zip`.
 * Exit 0 done (verify: intact), 1 failed (verify: problems found), 2 usage (thrown as UsageError).
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SECRET_ENV } from '../core/credentials';
import { auditExport } from '../export/audit';
import { EXPORT_FORMATS, type ExportFormat, ExportScopeError, exportEvidence, verifyBundle } from '../export';
import type { Store } from '../store/store';
import { registerSecret } from '../util/redact';
import { type CliValues, UsageError } from './args';

/** Progress goes to stderr only for exports this large; small ones finish before a line would help. */
const PROGRESS_FROM_ROWS = 10_000;

/** Runs `rampart export` on an open store; returns the exit code. */
/** `grading`: the grace period and stale threshold the posture grades in the export are judged with. */
export async function exportCommand(store: Store, v: CliValues, grading?: { gracePeriodDays?: number; staleAfterMs?: number }): Promise<number> {
  const format = v.format as ExportFormat | undefined;
  if (!format) throw new UsageError(`export needs --format ${EXPORT_FORMATS.join('|')}.`);
  if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`Unknown --format '${format}': use ${EXPORT_FORMATS.join(', ')}.`);
  if (!v.out) throw new UsageError('export needs --out PATH (the file to write).');
  const out = path.resolve(v.out);
  if (!existsSync(path.dirname(out))) throw new UsageError(`The folder of --out (${path.dirname(out)}) does not exist.`);

  // The CLI never reads a credential to export, but the environment may hold one: register it so that, should a
  // row have picked it up, the export's redaction replaces it.
  for (const c of store.data.connections) registerSecret(process.env[c.secretEnv ?? DEFAULT_SECRET_ENV]);

  const started = Date.now();
  let result;
  try {
    result = await exportEvidence(store.data, {
      format, out,
      scope: { connection: v.connection, control: v.control, assessment: v.assessment, from: v.from, to: v.to, framework: v.framework },
      onProgress: progressLine(),
      grades: grading ?? {},
    });
  } catch (e) {
    if (e instanceof ExportScopeError) throw new UsageError(e.message);
    throw e;
  }
  // Evidence leaving Rampart is an audited event: who exported what, when, and the file's hash.
  await auditExport(store, new Date(), result, 'cli');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`Exported ${result.rows} evidence row(s) as ${format} to ${out} (${result.bytes} bytes, ${secs}s).`);
  console.log(`SHA-256 ${result.sha256}`);
  if (result.gradesFile) console.log(`Posture grades in ${result.gradesFile}.`);
  return 0;
}

/** Runs `rampart verify BUNDLE.zip`; returns 0 when every hash and the audit chain check out, 1 otherwise. */
export async function verifyBundleCommand(args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('verify takes at most one PATH: a bundle (.zip) written by rampart export --format bundle.');
  const file = path.resolve(args[0]);
  if (!existsSync(file)) throw new UsageError(`No file ${file}.`);
  // By content, not extension: --out may have named the bundle anything.
  if (!isZip(file)) throw new UsageError(`verify PATH checks an evidence bundle (a zip); ${file} is not one. Without PATH, verify checks the store's audit log.`);
  let r;
  try {
    r = await verifyBundle(file);
  } catch (e) {
    console.log(`Bundle UNREADABLE: ${file} is not a valid zip (${(e as Error).message}).`);
    return 1;
  }
  if (r.ok) {
    console.log(`Bundle intact: ${r.files} file(s) match manifest.json; ${r.auditRows} audit row(s) chain.`);
    return 0;
  }
  console.log(`Bundle FAILED verification (${r.problems.length} problem(s)):`);
  for (const p of r.problems) console.log(`  - ${p}`);
  return 1;
}

function isZip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  } finally {
    closeSync(fd);
  }
}

function progressLine(): (done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  let lastPct = -1;
  return (done, total) => {
    if (total < PROGRESS_FROM_ROWS) return;
    const pct = Math.floor((done / total) * 100);
    // Every percent on a terminal (one line rewritten), every 10% in a log.
    if (pct === lastPct || (!tty && pct % 10 !== 0)) return;
    lastPct = pct;
    const line = `Exporting: ${done}/${total} rows (${pct}%)`;
    process.stderr.write(tty ? `\r\u001b[K${line}${done === total ? '\n' : ''}` : `${line}\n`);
  };
}
