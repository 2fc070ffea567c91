/**
 * OSCAL Assessment Results (NIST OSCAL 1.1.2, JSON). One result for the export's period; one observation per
 * evidence row; one finding per control in scope whose target is the control's objective, satisfied or not, linked
 * to the observations of the rows supporting it. Ids are name-based UUIDs (uuid.ts), so the same row or control
 * keeps its uuid across exports. Streamed: observations are written as the store is read, and each finding's links
 * come from another pass over the rows (counters only in memory).
 */
import { type ExportContext, GENERATOR } from './context';
import { gradeObservations } from './grades';
import { selectEvidence } from './query';
import type { TextSink } from './sink';
import type { ExportEvidenceRow, StoreEvidence } from './source';
import { uuidV5 } from './uuid';

export const OSCAL_VERSION = '1.1.2';
/** Namespace of Rampart's own props (OSCAL requires one for names it does not define). */
export const OSCAL_NS = 'https://rampart.invalid/ns/oscal';

const kv = (k: string, v: unknown) => `${JSON.stringify(k)}:${JSON.stringify(v)}`;
const prop = (name: string, value: string) => ({ name, ns: OSCAL_NS, value });

/** OSCAL control ids are lower-case tokens by convention (cc6.1, a.5.15). */
export function oscalControlId(control: string): string {
  return control.toLowerCase();
}

/** The observation uuid of a row: stable for the same observation (connection and fingerprint). */
export function observationUuid(row: { connectionId: string; fingerprint: string }): string {
  return uuidV5(`observation:${row.connectionId}:${row.fingerprint}`);
}

function scopeKey(ctx: ExportContext): string {
  const s = ctx.scope;
  return [s.framework, s.connections.map((c) => c.id).join('+'), (s.controls ?? []).join('+'), s.assessment?.id ?? '', s.from ?? '', s.to ?? ''].join('|');
}

function observation(row: ExportEvidenceRow, uuid: string): unknown {
  return {
    uuid,
    title: row.label,
    description: row.reason ?? `${row.type} ${row.subject}: ${row.status}.`,
    props: [
      prop('evidence-type', row.type), prop('evidence-status', row.status), prop('fingerprint', row.fingerprint),
      prop('connection', row.connectionName), prop('tenant-id', row.tenantId), prop('last-seen', row.lastSeenAt),
      // OSCAL's method values are EXAMINE, INTERVIEW, TEST and UNKNOWN: an automated API read is a TEST.
      prop('collection', 'automated'),
    ],
    methods: ['TEST'],
    subjects: [{
      'subject-uuid': uuidV5(`subject:${row.subject.toLowerCase()}`), type: 'resource', title: row.subject,
      props: [prop('resource-id', row.subject), ...(row.subscriptionId ? [prop('subscription-id', row.subscriptionId)] : [])],
    }],
    collected: row.observedAt,
  };
}

/** Writes the assessment-results document; returns the observation count. */
export async function writeOscal(sink: TextSink, ctx: ExportContext): Promise<number> {
  const { scope, tally, exportedAt, src } = ctx;
  const key = scopeKey(ctx);
  const title = `Rampart evidence for ${scope.framework.toUpperCase()}` +
    (scope.connections.length === 1 ? ` (${scope.connections[0].name})` : '') + (scope.assessment ? `: ${scope.assessment.name}` : '');
  const metadata = {
    title, 'last-modified': exportedAt, version: exportedAt.slice(0, 10), 'oscal-version': OSCAL_VERSION,
    props: [prop('generator', `${GENERATOR.name} ${GENERATOR.version}`)],
  };
  const start = scope.from ?? tally.firstObservedAt ?? exportedAt;
  const end = scope.to ?? exportedAt;
  await sink.write('{"assessment-results":{' + [
    kv('uuid', uuidV5(`assessment-results:${key}:${exportedAt}`)), kv('metadata', metadata),
    kv('import-ap', { href: './assessment-plan.json', remarks: 'Placeholder: Rampart does not produce the assessment plan; replace with yours.' }),
  ].join(',') + ',"results":[{' + [
    kv('uuid', uuidV5(`result:${key}`)), kv('title', `Automated Azure evidence, ${start.slice(0, 10)} to ${end.slice(0, 10)}`),
    kv('description', `Observations Rampart collected from Azure Resource Manager for ${scope.connections.map((c) => c.name).join(', ') || 'no connection'}, judged per control.`),
    kv('start', start), kv('end', end),
    kv('reviewed-controls', { 'control-selections': [{ 'include-controls': tally.controls.map((c) => ({ 'control-id': oscalControlId(c.id) })) }] }),
  ].join(','));

  // Each row's uuid is hashed once: the findings link the same rows again (a row supports one to three controls).
  const uuids = new WeakMap<object, string>();
  const uuidOf = (r: StoreEvidence) => {
    let u = uuids.get(r);
    if (u === undefined) uuids.set(r, u = observationUuid(src.rowMatches(r)));
    return u;
  };
  let n = 0;
  const grades = ctx.grades ? gradeObservations(ctx.grades, prop) : [];
  if (tally.rows > 0 || grades.length) {
    await sink.write(',"observations":[');
    for (const r of selectEvidence(src, scope)) {
      await sink.write((n ? ',\n' : '\n') + JSON.stringify(observation(src.toRow(r), uuidOf(r))));
      ctx.progress(++n, ctx.tally.rows);
    }
    for (const [i, g] of grades.entries()) await sink.write((n + i ? ',\n' : '\n') + JSON.stringify(g));
    await sink.write(']');
  }
  if (tally.controls.length) {
    await sink.write(',"findings":[');
    for (const [i, c] of tally.controls.entries()) {
      const finding = {
        uuid: uuidV5(`finding:${key}:${c.id}`),
        title: `${c.id} ${c.title}`,
        description: `${c.percent}% of the evidence types this control expects were present and passing in the period ` +
          `(${c.passingTypes.length} of ${c.expectedTypes.length}); ${c.evidenceCount} rows, ${c.failing} failing, ${c.unknown} unknown.`,
        target: { type: 'objective-id', 'target-id': `${oscalControlId(c.id)}_obj`, status: { state: c.status } },
      };
      const text = JSON.stringify(finding);
      await sink.write((i ? ',\n' : '\n') + (c.evidenceCount ? text.slice(0, -1) + ',"related-observations":[' : text));
      if (!c.evidenceCount) continue;
      let k = 0;
      for (const r of selectEvidence(src, { ...scope, controls: [c.id] })) {
        await sink.write(`${k++ ? ',' : ''}{"observation-uuid":"${uuidOf(r)}"}`);
      }
      await sink.write(']}');
    }
    await sink.write('\n]');
  }
  await sink.write('}]}}\n');
  return n;
}
