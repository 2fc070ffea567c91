import { strict as assert } from 'node:assert';
import { append } from '../../server/src/util/arrays';

describe('append', () => {
  it('appends more rows than a spread into push can take (a tenant-scale inventory), in order, in place', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => i);
    const target = [-1];
    assert.equal(append(target, rows), target);
    assert.equal(target.length, 300_001);
    assert.deepEqual([target[0], target[1], target[300_000]], [-1, 0, 299_999]);
  });
});
