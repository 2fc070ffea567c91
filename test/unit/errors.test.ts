import { strict as assert } from 'node:assert';
import { toSyncError } from '../../server/src/azure/errors';
import { registerSecret, redact } from '../../server/src/util/redact';
import { resolveCloud, CloudConfigError } from '../../server/src/azure/clouds';

const ctx = { connectionName: 'Prod', clientId: 'c-1', tenantId: 't-1', host: 'management.azure.com' };
const authError = (code: string) => Object.assign(new Error(`ClientSecretCredential authentication failed: AADSTS${code}: something. Trace ID: x`), { name: 'AuthenticationRequiredError' });

describe('error mapping', () => {
  for (const [code, kind, hint] of [
    ['7000215', 'wrong-secret', /Update Credentials/],
    ['7000222', 'expired-secret', /expired/],
    ['700016', 'unknown-app', /client id c-1/],
    ['90002', 'unknown-tenant', /tenant 't-1'/],
    ['700027', 'certificate-rejected', /certificate/],
  ] as const) {
    it(`AADSTS${code} becomes ${kind}`, () => {
      const e = toSyncError(authError(code), ctx);
      assert.equal(e.code, kind);
      assert.match(e.message, hint);
      assert.match(e.message, /connection 'Prod'/);
    });
  }

  it('the credential hint follows how the connection gets its secret', () => {
    assert.doesNotMatch(toSyncError(authError('7000215'), ctx).message, /CLI|environment/);
    const cli = toSyncError(authError('7000215'), { ...ctx, updateHint: "set MY_SECRET to the new secret and run 'rampart sync'" });
    assert.match(cli.message, /set MY_SECRET/);
  });

  it('does not double the final period of the underlying message', () => {
    const e = toSyncError(Object.assign(new Error("Internal error at timestamp '2026-01-01'."), { statusCode: 500 }), ctx);
    assert.doesNotMatch(e.message, /\.\./);
  });

  it('403 AuthorizationFailed names the subscription and the Reader role, and mentions propagation', () => {
    const e = toSyncError(Object.assign(new Error('The client does not have authorization'), { statusCode: 403, code: 'AuthorizationFailed' }), { ...ctx, subscriptionId: 'sub-9', step: 'resource groups' });
    assert.equal(e.code, 'forbidden');
    assert.match(e.message, /sub-9/);
    assert.match(e.message, /Reader/);
    assert.match(e.message, /propagate/);
  });

  it('a paged 403 that lost its status code is still forbidden', () => {
    assert.equal(toSyncError(new Error('Pagination failed with unexpected statusCode 403'), ctx).code, 'forbidden');
  });

  it('TLS and network failures, also when wrapped as a cause', () => {
    const tls = new Error('request failed', { cause: Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }) });
    assert.equal(toSyncError(tls, ctx).code, 'tls');
    assert.match(toSyncError(tls, ctx).message, /CA file/);
    const net = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(toSyncError(net, ctx).code, 'network');
  });

  it('5xx and 429 after retries', () => {
    assert.equal(toSyncError(Object.assign(new Error('Internal'), { statusCode: 500 }), ctx).code, 'service');
    assert.equal(toSyncError(Object.assign(new Error('Too many'), { statusCode: 429 }), ctx).code, 'throttled');
  });

  it('never repeats a registered secret', () => {
    registerSecret('s3cr3t-value-xyz');
    const e = toSyncError(new Error('bad request with client_secret=s3cr3t-value-xyz&scope=x and s3cr3t-value-xyz'), ctx);
    assert.doesNotMatch(e.message, /s3cr3t-value-xyz/);
    assert.doesNotMatch(redact('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abcdefghijkl'), /eyJhbGci/);
  });
});

describe('clouds', () => {
  it('built-in clouds resolve to their endpoints and ARM scope', () => {
    assert.equal(resolveCloud({ name: 'AzureUSGovernment' }).armEndpoint, 'https://management.usgovcloudapi.net');
    assert.equal(resolveCloud(undefined).armScope, 'https://management.azure.com/.default');
    assert.equal(resolveCloud({ name: 'AzureChinaCloud' }).authorityHost, 'https://login.chinacloudapi.cn');
  });
  it('custom clouds need https endpoints', () => {
    const c = resolveCloud({ name: 'Custom', authorityHost: 'https://127.0.0.1:8443/', armEndpoint: 'https://127.0.0.1:8443' });
    assert.equal(c.armScope, 'https://127.0.0.1:8443/.default');
    assert.throws(() => resolveCloud({ name: 'Custom', authorityHost: 'http://x', armEndpoint: 'https://y' }), CloudConfigError);
    assert.throws(() => resolveCloud({ name: 'Custom', armEndpoint: 'https://y' }), /authority host/);
  });
});
