/**
 * Runs the Bicep reader over real Bicep files and reports how many parse without a syntax problem (RP000), the
 * slowest file and the throughput. Usage: npx tsx scripts/bicep-corpus.ts DIR_OR_FILE... [--all-failures]
 * The corpora (Azure/bicep-registry-modules, Azure/bicep baselines) are fetched outside the repository, never committed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseBicep } from '../server/src/lint/bicep';

function walk(path: string, out: string[]): string[] {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (name === 'node_modules' || name === '.git') continue;
      walk(join(path, name), out);
    }
  } else if (path.endsWith('.bicep')) out.push(path);
  return out;
}

const args = process.argv.slice(2);
const showAll = args.includes('--all-failures');
const files = args.filter((a) => !a.startsWith('--')).flatMap((d) => walk(d, []));
if (files.length === 0) {
  console.error('usage: npx tsx scripts/bicep-corpus.ts DIR_OR_FILE... [--all-failures]');
  process.exit(2);
}
const texts = files.map((f) => readFileSync(f, 'utf8'));
// A first, cold pass (what a CLI run costs), then the timed warm pass (what the daemon sees on each keystroke).
const c0 = performance.now();
for (const t of texts) parseBicep(t);
const cold = performance.now() - c0;

let bytes = 0, total = 0, clean = 0, resources = 0;
let slowest = { file: '', ms: 0, lines: 0 };
const failures: string[] = [];
for (let i = 0; i < files.length; i++) {
  const text = texts[i];
  // The median of three runs, so that one garbage collection does not make a small file the "slowest".
  const runs: number[] = [];
  let parsed = parseBicep(text);
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    parsed = parseBicep(text);
    runs.push(performance.now() - t0);
  }
  const ms = runs.sort((a, b) => a - b)[1];
  total += ms;
  bytes += Buffer.byteLength(text);
  resources += parsed.resources.length;
  if (ms > slowest.ms) slowest = { file: files[i], ms, lines: text.split('\n').length };
  if (parsed.problems.length === 0) clean++;
  else {
    const p = parsed.problems[0];
    failures.push(`${files[i]}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.message} (${parsed.problems.length} problem(s))`);
  }
}
console.log(`files: ${files.length}, ${(bytes / 1e6).toFixed(1)} MB, ${resources} resources`);
console.log(`parsed without problems: ${clean}/${files.length} (${((100 * clean) / files.length).toFixed(2)}%)`);
console.log(`slowest: ${slowest.file} (${slowest.lines} lines) ${slowest.ms.toFixed(1)} ms`);
console.log(`warm pass (median of 3 per file) ${total.toFixed(0)} ms, ${(bytes / 1e6 / (total / 1000)).toFixed(1)} MB/s; cold pass ${cold.toFixed(0)} ms, ${(bytes / 1e6 / (cold / 1000)).toFixed(1)} MB/s`);
if (failures.length > 0) {
  console.log(`failures (first problem of each)${showAll || failures.length <= 50 ? '' : ', first 50'}:`);
  for (const f of showAll ? failures : failures.slice(0, 50)) console.log(`  ${f}`);
}
