/**
 * Lookups over the catalog (catalog.ts): the controls of a framework, which evidence types each expects, and the
 * controls an evidence type supports. Evidence rows store their SOC 2 controls; other frameworks are derived from
 * the row's type at query time, so one sync serves every framework.
 */
import { DEFAULT_FRAMEWORK, EVIDENCE_CATALOG, FRAMEWORKS } from './catalog';

export interface ControlDefinition { id: string; title: string; description: string; expects: string[] }
export interface EvidenceTypeDefinition { type: string; title: string; controls: string[] }

export class UnknownFrameworkError extends Error {}

/** Every framework id in the catalog. */
export function frameworkIds(): string[] {
  return FRAMEWORKS.map((f) => f.id);
}

/** The controls of a framework with the evidence types each expects (default SOC 2). */
export function controlsOf(framework = DEFAULT_FRAMEWORK): ControlDefinition[] {
  const f = FRAMEWORKS.find((x) => x.id === framework);
  if (!f) throw new UnknownFrameworkError(`Unknown framework '${framework}'. Known: ${frameworkIds().join(', ')}.`);
  return f.controls.map((c) => ({
    ...c, expects: EVIDENCE_CATALOG.filter((t) => (t.mappings[f.id] ?? []).includes(c.id)).map((t) => t.type),
  }));
}

/** The SOC 2 controls (kept as a constant for existing callers). */
export const CONTROLS: ControlDefinition[] = controlsOf(DEFAULT_FRAMEWORK);

/** Evidence types with their SOC 2 controls. */
export const EVIDENCE_TYPES: EvidenceTypeDefinition[] = EVIDENCE_CATALOG.map((t) => ({
  type: t.type, title: t.title, controls: t.mappings[DEFAULT_FRAMEWORK] ?? [],
}));

/** An evidence type with its SOC 2 controls, or undefined for a type the catalog does not know. */
export function evidenceType(type: string): EvidenceTypeDefinition | undefined {
  return EVIDENCE_TYPES.find((t) => t.type === type);
}

/** The controls an evidence type supports in a framework. */
export function controlsForType(type: string, framework = DEFAULT_FRAMEWORK): string[] {
  return EVIDENCE_CATALOG.find((t) => t.type === type)?.mappings[framework] ?? [];
}

/** A human title for an evidence type. */
export function typeTitle(type: string): string {
  return EVIDENCE_CATALOG.find((t) => t.type === type)?.title ?? type;
}
