import { randomUUID } from 'node:crypto';

/** A short, sortable-enough id with a readable prefix (`conn_…`, `run_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}
