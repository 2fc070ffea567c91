/**
 * `rampart assessment create|attach|approve|list`: assessments from the terminal, through the same core as the
 * daemon. Lists (controls, connections, evidence ids) are comma-separated.
 */
import type { AssessmentView } from '../protocol';
import type { RampartService } from '../core/service';
import { type CliValues, UsageError } from './args';

const list = (v: string | undefined) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

export async function assessmentCommand(service: RampartService, rest: string[], v: CliValues): Promise<number> {
  const [sub] = rest;
  const evidenceIds = list(v.evidence);
  switch (sub) {
    case 'create': {
      if (!v.name || !v.from || !v.to) throw new UsageError('assessment create needs --name N --from DATE --to DATE.');
      const a = await service.createAssessment({
        name: v.name, from: v.from, to: v.to, controls: list(v.control), framework: v.framework,
        connections: v.connection ? list(v.connection) : undefined,
        attach: v.current || evidenceIds ? { current: !!v.current, evidenceIds } : undefined,
      });
      return print(a, v, `Created assessment '${a.name}' (${a.id}).`);
    }
    case 'attach': {
      if (!v.assessment) throw new UsageError('assessment attach needs --assessment A and --evidence ID,... or --current.');
      if (!v.current && !evidenceIds) throw new UsageError('assessment attach needs --evidence ID,... or --current.');
      const a = await service.attachAssessmentEvidence({ assessment: v.assessment, evidenceIds, current: !!v.current });
      return print(a, v, `Assessment '${a.name}' now holds ${a.evidenceCount} evidence row(s).`);
    }
    case 'approve': {
      if (!v.assessment) throw new UsageError('assessment approve needs --assessment A.');
      const a = await service.approveAssessment(v.assessment);
      return print(a, v, `Approved '${a.name}' as ${a.approvedBy} at ${a.approvedAt}: its ${a.evidenceCount} evidence row(s) are frozen (digest ${a.digest?.slice(0, 16)}…).`);
    }
    case 'list':
    case undefined: {
      const all = service.assessments();
      if (v.json) { console.log(JSON.stringify(all, null, 2)); return 0; }
      if (!all.length) { console.log('No assessments yet: run rampart assessment create.'); return 0; }
      for (const a of all) console.log(line(a));
      return 0;
    }
    default:
      throw new UsageError(`Unknown assessment command '${sub}': use create, attach, approve or list.`);
  }
}

function print(a: AssessmentView, v: CliValues, message: string): number {
  console.log(v.json ? JSON.stringify(a, null, 2) : `${message}\n${line(a)}`);
  return 0;
}

function line(a: AssessmentView): string {
  const who = a.status === 'approved' ? `approved by ${a.approvedBy} ${a.approvedAt?.slice(0, 10)}` : 'draft';
  return `${a.name} (${a.id}) · ${who} · ${a.from.slice(0, 10)} to ${a.to.slice(0, 10)} · ${a.framework} ${a.controls.join(', ')} · ` +
    `${a.evidenceCount} rows (${a.failing} failing, ${a.unknown} unknown)`;
}
