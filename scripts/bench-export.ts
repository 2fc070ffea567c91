/**
 * Export benchmark: 100,000 evidence rows (built through the evidence engine's own merge), each format exported
 * in a fresh process so its peak RSS is its own. Prints figures; asserts nothing (CI machines vary).
 *   npx tsx scripts/bench-export.ts [ROWS]
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXPORT_FORMATS, type ExportFormat, exportEvidence, verifyBundle } from '../server/src/export';
import { syntheticStore } from '../test/fixtures/export/synthetic';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function child(format: ExportFormat, rows: number, out: string): Promise<void> {
  const data = syntheticStore({ rows, connections: 4 });
  global.gc?.();
  const storeBytes = Buffer.byteLength(JSON.stringify(data));
  const before = process.memoryUsage().rss;
  // CPU time (main thread and zlib's pool) beside the wall clock: on a loaded machine it is the steadier figure.
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  // Sampled as rows are written: the process's maxRSS would mostly show building the store, not the export.
  let peak = before;
  const r = await exportEvidence(data, { format, out, onProgress: (done) => { if (done % 2000 === 0) peak = Math.max(peak, process.memoryUsage().rss); } });
  peak = Math.max(peak, process.memoryUsage().rss);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  let verify = '';
  if (format === 'bundle') {
    const v0 = performance.now();
    const v = await verifyBundle(out);
    verify = ` verify ${(performance.now() - v0).toFixed(0)} ms (${v.ok ? 'ok' : v.problems.join('; ')})`;
  }
  console.log(JSON.stringify({ format, rows: r.rows, ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000), bytes: r.bytes, storeBytes, rssBefore: before, rssPeak: peak, verify }));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3] as ExportFormat, Number(process.argv[4]), process.argv[5]);
  const rows = Number(process.argv[2] ?? 100_000);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-bench-'));
  console.log(`Exporting ${rows} evidence rows (node ${process.version}, ${os.cpus().length} cpu)`);
  console.log(`format   time     cpu      file       store JSON   RSS before   RSS peak   (peak - before)   (load average ${os.loadavg()[0].toFixed(1)})`);
  try {
    for (const format of EXPORT_FORMATS) {
      const out = path.join(dir, `bench.${format}`);
      const p = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', __filename, '--child', format, String(rows), out], { encoding: 'utf8' });
      if (p.status !== 0) { console.log(`${format}: failed\n${p.stderr}`); process.exitCode = 1; continue; }
      const f = JSON.parse(p.stdout.trim().split('\n').pop()!);
      console.log(`${format.padEnd(8)} ${(f.ms / 1000).toFixed(2).padStart(5)} s  ${(f.cpuMs / 1000).toFixed(2).padStart(5)} s  ${mb(f.bytes).padStart(9)}  ${mb(f.storeBytes).padStart(11)}  ${mb(f.rssBefore).padStart(11)}  ${mb(f.rssPeak).padStart(9)}  ${mb(f.rssPeak - f.rssBefore).padStart(9)}${f.verify}`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

void main();
