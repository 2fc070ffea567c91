/** What every format writer is handed: the source, the resolved scope, its tally, the export time, progress. */
import { VERSION } from '../version';
import type { ExportGrades } from './grades';
import type { ExportScope, ExportTally } from './query';
import type { ExportSource } from './source';

/** The JSON format's schema id; bump the number when a field changes meaning or goes away. */
export const EVIDENCE_SCHEMA = 'rampart-evidence/1';

export interface ExportContext {
  src: ExportSource;
  scope: ExportScope;
  tally: ExportTally;
  /** ISO instant written into every file (one value per export, so the files of a bundle agree). */
  exportedAt: string;
  /** The posture grades of the scope (grades.ts); absent when the caller did not ask for them. */
  grades?: ExportGrades;
  /** Called as rows are written, `done` of `total`; throws to cancel (the export is then discarded). */
  progress(done: number, total: number): void;
}

export const GENERATOR = { name: 'rampart', version: VERSION };
