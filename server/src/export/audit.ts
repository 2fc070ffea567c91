/** The audit row of an export, the same from the CLI and the daemon: who exported what, when, and the file's hash. */
import * as path from 'node:path';
import { appendAudit } from '../core/audit';
import type { Store } from '../store/store';
import type { ExportResult } from './index';

export async function auditExport(store: Store, at: Date, result: ExportResult, via: 'cli' | 'editor'): Promise<void> {
  const s = result.scope;
  await store.update((d) => appendAudit(d, at, 'export', s.connections.length === 1 ? s.connections[0].id : undefined, {
    format: result.format, file: path.basename(result.file), rows: result.rows, bytes: result.bytes, sha256: result.sha256,
    framework: s.framework, connections: s.connections.map((c) => c.id), controls: s.controls,
    assessment: s.assessment?.id, from: s.from, to: s.to, via,
  }), { rows: [] }); // an audit row only: no segment is rewritten
}
