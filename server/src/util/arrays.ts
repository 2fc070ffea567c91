/**
 * Appends `rows` to `target` in place. `target.push(...rows)` passes every row as an argument, which overflows the
 * stack past about 125,000 rows on Node 20: a tenant's role assignments read through Resource Graph reach that.
 */
export function append<T>(target: T[], rows: readonly T[]): T[] {
  for (const r of rows) target.push(r);
  return target;
}
