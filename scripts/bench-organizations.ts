/**
 * Organization roll-up benchmark: 100,000 evidence rows over 4 connections, published as a three-level tree
 * (a group, two subsidiaries, four leaf organizations). Times the whole tree with every node's grade and coverage,
 * against one grade-and-coverage pass over all rows (each node re-reads its subtree's rows, so the ratio is about
 * the number of nodes weighted by their share of rows), and a JSON export with grades against one without.
 * Prints figures; asserts nothing.
 *   npx tsx scripts/bench-organizations.ts [ROWS]
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportEvidence } from '../server/src/export';
import { organizationTree, postureOf } from '../server/src/evidence/organizations';
import type { StoreData } from '../server/src/store/schema';
import { T1, syntheticStore } from '../test/fixtures/export/synthetic';

function best(runs: number, f: () => unknown): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

async function bestAsync(runs: number, f: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

function withTree(data: StoreData): StoreData {
  const at = T1;
  const org = (id: string, name: string, parentId?: string) => ({ id, name, visibility: 'private' as const, createdAt: at, ...(parentId ? { parentId } : {}) });
  data.organizations = [
    org('g', 'Group'), org('s1', 'Subsidiary 1', 'g'), org('s2', 'Subsidiary 2', 'g'),
    ...data.connections.map((c, i) => org(`l${i}`, `${c.name} Azure`, i < 2 ? 's1' : 's2')),
  ];
  data.connections.forEach((c, i) => { c.organizationId = `l${i}`; });
  return data;
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 100_000);
  const data = withTree(syntheticStore({ rows, connections: 4 }));
  const now = new Date(Date.parse(T1) + 3_600_000);
  const o = { now, staleAfterMs: 2 * 86_400_000, gracePeriodDays: 60 };
  console.log(`Organization roll-up over ${data.evidence.length} evidence rows, ${data.organizations!.length} organizations (node ${process.version})`);
  const one = best(5, () => postureOf(data, data.connections, o));
  const tree = best(5, () => organizationTree(data, o));
  const iso = best(5, () => organizationTree(data, { ...o, framework: 'iso27001' }));
  console.log(`one grade + coverage pass over all rows   ${one.toFixed(1)} ms`);
  console.log(`the whole tree (SOC 2)                     ${tree.toFixed(1)} ms   ratio ${(tree / one).toFixed(1)}x one pass`);
  console.log(`the whole tree (ISO/IEC 27001)             ${iso.toFixed(1)} ms   ratio ${(iso / one).toFixed(1)}x one pass`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rampart-bench-orgs-'));
  try {
    const plain = await bestAsync(3, () => exportEvidence(data, { format: 'json', out: path.join(dir, 'a.json'), now }));
    const graded = await bestAsync(3, () => exportEvidence(data, { format: 'json', out: path.join(dir, 'b.json'), now, grades: {} }));
    console.log(`JSON export without grades                 ${plain.toFixed(0)} ms`);
    console.log(`JSON export with grades                    ${graded.toFixed(0)} ms   ratio ${(graded / plain).toFixed(2)}x`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

void main();
