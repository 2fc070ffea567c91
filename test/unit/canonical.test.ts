import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { fingerprint } from '../../server/src/evidence/evidence';
import { canonicalJson, sha256 } from '../../server/src/util/canonical';

/** The definition canonicalJson must keep: JSON.stringify of a copy with keys sorted at every depth (stored hashes depend on it). */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const x = (v as Record<string, unknown>)[key];
        if (x !== undefined) out[key] = sortKeys(x);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

describe('canonical JSON', () => {
  it('is exactly the sorted-copy form, for every shape evidence and audit rows hold', () => {
    const samples: unknown[] = [
      { b: 1, a: [1, undefined, () => 1, null, NaN, -0, 1e21, Infinity, 'x"\u2028\n'], z: { y: new Date(0), u: undefined, f: () => 1, s: Symbol('s') } },
      { '10': 1, '2': 2, '01': 3, '4294967295': 4, '4294967294': 5, '-1': 6, b: 7, A: 8 },
      { type: 'role-assignment', subject: '/subscriptions/x', data: { tags: { env: 'prod', Env: 'x' }, list: [{ d: 1, c: [] }], empty: {} } },
      [], {}, 'a', 1, true, null, new Date(NaN), { d: new Date(NaN) }, [new Date(5)], { é: 1, e: 2, '\u{1F600}': 3, z: 4 },
    ];
    for (const s of samples) assert.equal(canonicalJson(s), reference(s));
  });

  it('fingerprints an observation as the SHA-256 of the canonical type, lower-cased subject and data', () => {
    const observations = [
      { type: 'role-assignment', subject: '/Subscriptions/X/RA', data: { scope: '/x', principalId: 'p', tags: { b: 1, a: [2, { d: 1, c: 0 }] } } },
      { type: 'secure-score', subject: 's', data: {} },
      { type: 't', subject: 'S', data: undefined as unknown as Record<string, unknown> },
    ];
    for (const o of observations) {
      assert.equal(fingerprint(o), createHash('sha256').update(reference({ type: o.type, subject: o.subject.toLowerCase(), data: o.data })).digest('hex'));
    }
    assert.equal(sha256('x'), createHash('sha256').update('x').digest('hex'));
  });
});
