import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so equal values always hash the same. Written directly, without a
 * sorted copy of the value: a sync fingerprints every observation, and the copies were most of that cost. The text is
 * exactly JSON.stringify of such a sorted copy (stored fingerprints and audit hashes depend on it), including where
 * JavaScript puts integer-like keys ("2" before "10" before "a") and what it leaves out or writes as null.
 */
export function canonicalJson(value: unknown): string {
  return write(value, true) as string;
}

function write(value: unknown, top: boolean): string | undefined {
  switch (typeof value) {
    case 'string': return JSON.stringify(value);
    case 'number': return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean': return value ? 'true' : 'false';
    case 'bigint': return JSON.stringify(value); // throws, as JSON.stringify does
    case 'object': break;
    default: return top ? (JSON.stringify(value) as string | undefined) : undefined; // undefined, function, symbol
  }
  if (value === null) return 'null';
  if (value instanceof Date) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (write(value[i], false) ?? 'null');
    return out + ']';
  }
  let out = '{';
  let first = true;
  for (const key of orderedKeys(value as Record<string, unknown>)) {
    const v = write((value as Record<string, unknown>)[key], false);
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + v;
    first = false;
  }
  return out + '}';
}

const INDEX = /^(?:0|[1-9]\d*)$/;

/** Sorted keys in the order a plain object built from them enumerates: array-index keys first, numerically. */
function orderedKeys(o: Record<string, unknown>): string[] {
  const keys = Object.keys(o).sort();
  if (!keys.some(isIndex)) return keys;
  return [...keys.filter(isIndex).sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isIndex(k))];
}

function isIndex(k: string): boolean {
  return INDEX.test(k) && Number(k) < 4294967295;
}

export function sha256(text: string): string {
  // One call, no Hash object: a sync hashes every observation.
  return hash('sha256', text, 'hex');
}
