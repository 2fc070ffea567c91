/**
 * Posture grades in exports: JSON (validated against the shipped schema), the CSV grades file, the bundle's
 * grades.json and index.html, OSCAL observations. Each grade is explained: its deductions sum to 100 − score.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EVIDENCE_JSON_SCHEMA, type ExportFormat, exportEvidence, verifyBundle } from '../../server/src/export';
import type { ExportGrade, ExportGrades } from '../../server/src/export/grades';
import { parseCsv, unzip, validate } from '../fixtures/export/helpers';
import { DAY, SYNCED, fixture } from './organizations-fixture';

const NOW = new Date(Date.parse(SYNCED) + DAY);
const explained = (g: ExportGrade) => g.deductions.reduce((s, d) => s + d.points, 0) === 100 - g.score;

describe('grades in exports', () => {
  let f: Awaited<ReturnType<typeof fixture>>;
  const out = (name: string) => path.join(f.dir, name);
  const run = (format: ExportFormat, name: string, scope = {}, withGrades = true) =>
    exportEvidence(f.store.data, { format, out: out(name), now: NOW, scope, grades: withGrades ? {} : undefined });
  beforeEach(async () => { f = await fixture(); });
  afterEach(async () => { await fs.rm(f.dir, { recursive: true, force: true }); });

  it('JSON: overall and per-organization grades, rolled up, explained, framework named; valid against the schema', async () => {
    const doc = JSON.parse(await fs.readFile((await run('json', 'e.json')).file, 'utf8'));
    assert.deepEqual(validate(doc, EVIDENCE_JSON_SCHEMA as Record<string, unknown>), []);
    const g = doc.grades as ExportGrades;
    assert.deepEqual([g.schema, g.framework, g.frameworkTitle, g.asOf, g.gracePeriodDays], ['rampart-grades/1', 'soc2', 'SOC 2 (Trust Services Criteria)', NOW.toISOString(), 60]);
    assert.deepEqual([g.overall.score, g.overall.letter, g.overall.connections.sort()], [75, 'C', ['conn-a', 'conn-b', 'conn-c']]);
    assert.deepEqual(g.organizations.map((o) => [o.path.join(' / '), o.score, o.connections.length]), [
      ['Group', 75, 3], ['Group / Subsidiary', 85, 2], ['Group / Subsidiary / Subsidiary Azure', 90, 1],
    ]);
    for (const x of [g.overall, ...g.organizations]) assert.ok(explained(x), 'deductions sum to 100 − score');
    assert.ok(g.overall.deductions.every((d) => d.control.startsWith('CC')));
    // The schema catches a malformed grade: a validator that accepts anything proves nothing.
    doc.grades.overall.letter = 'E';
    delete doc.grades.organizations[0].path;
    assert.equal(validate(doc, EVIDENCE_JSON_SCHEMA as Record<string, unknown>).length, 2);

    const plain = JSON.parse(await fs.readFile((await run('json', 'plain.json', {}, false)).file, 'utf8'));
    assert.equal(plain.grades, undefined, 'grades only when asked for');
  });

  it('weights by the export\'s framework and keeps only the organizations the scope reaches', async () => {
    const iso = JSON.parse(await fs.readFile((await run('json', 'iso.json', { framework: 'iso27001' })).file, 'utf8')).grades as ExportGrades;
    assert.equal(iso.framework, 'iso27001');
    assert.ok(iso.overall.deductions.length > 0 && iso.overall.deductions.every((d) => d.control.startsWith('A.')));
    const one = JSON.parse(await fs.readFile((await run('json', 'a.json', { connection: 'conn-a' })).file, 'utf8')).grades as ExportGrades;
    assert.deepEqual(one.organizations.map((o) => [o.name, o.connections]), [['Group', ['conn-a']]]);
    assert.deepEqual([one.overall.score, one.overall.deductions.map((d) => d.type)], [90, ['role-assignment']]);
  });

  it('CSV: a grades file beside the evidence file, one record per deduction, summing per grade', async () => {
    const r = await run('csv', 'evidence.csv');
    assert.equal(r.gradesFile, out('evidence.grades.csv'));
    const [head, ...records] = parseCsv(await fs.readFile(r.gradesFile!, 'utf8'));
    assert.deepEqual(head.slice(0, 9), ['grade', 'organizationId', 'framework', 'score', 'letter', 'findings', 'inGrace', 'points', 'control']);
    const byGrade = new Map<string, { score: number; points: number }>();
    for (const rec of records) {
      const x = byGrade.get(rec[0]) ?? { score: Number(rec[3]), points: 0 };
      x.points += Number(rec[7]);
      byGrade.set(rec[0], x);
      assert.equal(rec[2], 'soc2');
    }
    assert.deepEqual([...byGrade.keys()], ['All connections in scope', 'Group', 'Group / Subsidiary', 'Group / Subsidiary / Subsidiary Azure']);
    for (const [name, x] of byGrade) assert.equal(x.points, 100 - x.score, name);
  });

  it('bundle: grades.json in the manifest, a grades section in index.html; verify passes', async () => {
    const r = await run('bundle', 'b.zip');
    const files = await unzip(r.file);
    const g = JSON.parse(files.get('grades.json')!.toString('utf8')) as ExportGrades;
    assert.equal(g.organizations.length, 3);
    assert.ok([g.overall, ...g.organizations].every(explained));
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    assert.ok(manifest.files.some((x: { path: string }) => x.path === 'grades.json'));
    const html = files.get('index.html')!.toString('utf8');
    assert.match(html, /<h2>Posture grades<\/h2>/);
    assert.match(html, /Group \/ Subsidiary \/ Subsidiary Azure: A \(90\/100\)/);
    assert.match(html, /Weighted by SOC 2 \(Trust Services Criteria\) controls/);
    assert.equal((await verifyBundle(r.file)).ok, true);
  });

  it('OSCAL: one observation per grade with score, letter, framework and each deduction as props', async () => {
    const doc = JSON.parse(await fs.readFile((await run('oscal', 'o.json')).file, 'utf8'));
    const obs = doc['assessment-results'].results[0].observations as { title: string; props: { name: string; value: string }[] }[];
    const grades = obs.filter((o) => o.props.some((p) => p.name === 'grade-score'));
    assert.deepEqual(grades.map((o) => o.title), [
      'Posture grade of all connections in scope: C (75/100)', 'Posture grade of Group: C (75/100)',
      'Posture grade of Group / Subsidiary: B (85/100)', 'Posture grade of Group / Subsidiary / Subsidiary Azure: A (90/100)',
    ]);
    for (const o of grades) {
      const score = Number(o.props.find((p) => p.name === 'grade-score')!.value);
      const points = o.props.filter((p) => p.name === 'grade-deduction').reduce((s, p) => s + Number(/^-(\d+)/.exec(p.value)![1]), 0);
      assert.equal(points, 100 - score);
      assert.equal(o.props.find((p) => p.name === 'grade-framework')!.value, 'soc2');
    }
    assert.equal(obs.length, grades.length + f.store.data.evidence.length, 'evidence observations are all still there');
  });
});
