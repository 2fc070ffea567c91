import { strict as assert } from 'node:assert';
import { jwtClaims, stringClaim } from '../../server/src/util/jwt';

const jwt = (claims: unknown) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('JWT claims', () => {
  it('reads the payload of a token, and nothing from what is not one', () => {
    const t = jwt({ oid: 'o-1', tid: 't-1', exp: 1900000000 });
    assert.deepEqual(jwtClaims(t), { oid: 'o-1', tid: 't-1', exp: 1900000000 });
    assert.equal(stringClaim(t, 'tid'), 't-1');
    assert.equal(stringClaim(t, 'exp'), undefined, 'a number is not a string claim');
    for (const bad of ['', 'opaque-token', 'a.!!!.c', jwt('just a string'), jwt(null)]) assert.equal(jwtClaims(bad), undefined, bad);
  });
});
