import { strict as assert } from 'node:assert';
import { CloudConfigError, resolveCloud } from '../../server/src/azure/clouds';
import { CREDENTIAL_ERRORS } from '../../server/src/azure/errors';
import { ValidationError, validateNewConnection } from '../../server/src/core/connections';
import { ClientTokenCredential, azureCliError } from '../../server/src/core/sign-in';
import type { NewConnection } from '../../server/src/protocol';
import type { ConnectionRecord } from '../../server/src/store/schema';

const TENANT = '72f988bf-0000-4000-8000-00000000c0de';
const custom = { name: 'Custom' as const, authorityHost: 'https://login.example.test', armEndpoint: 'https://arm.example.test' };

describe('sign-in: clouds name their VS Code authentication provider', () => {
  it('microsoft for Azure, microsoft-sovereign-cloud for the sovereign clouds and by default for a custom cloud', () => {
    assert.equal(resolveCloud({ name: 'AzureCloud' }).authProvider, 'microsoft');
    assert.equal(resolveCloud({ name: 'AzureUSGovernment' }).authProvider, 'microsoft-sovereign-cloud');
    assert.equal(resolveCloud({ name: 'AzureChinaCloud' }).authProvider, 'microsoft-sovereign-cloud');
    assert.equal(resolveCloud(custom).authProvider, 'microsoft-sovereign-cloud');
  });

  it('a custom cloud may name its own provider; a malformed id is refused', () => {
    assert.equal(resolveCloud({ ...custom, authProvider: 'contoso-entra' }).authProvider, 'contoso-entra');
    assert.throws(() => resolveCloud({ ...custom, authProvider: 'no spaces/please' }), CloudConfigError);
  });
});

describe('sign-in: interactive connections', () => {
  const base: NewConnection = { name: 'Me', tenantId: TENANT, clientId: '', credentialKind: 'azure-cli', cloud: { name: 'AzureCloud' } };

  it('need no client id, and take no secret or certificate', () => {
    validateNewConnection(base, []);
    validateNewConnection({ ...base, credentialKind: 'microsoft-account' }, []);
    assert.throws(() => validateNewConnection({ ...base, secretEnv: 'AZURE_CLIENT_SECRET' }, []), /takes no secret or certificate/);
    assert.throws(() => validateNewConnection({ ...base, credentialKind: 'secret' }, []), ValidationError);
    assert.throws(() => validateNewConnection({ ...base, credentialKind: 'password' as never }, []), /Unknown credential kind 'password'/);
  });

  it('their sign-in failures put the connection in needs-credentials', () => {
    for (const code of ['not-signed-in', 'session-expired', 'wrong-tenant'] as const) assert.ok(CREDENTIAL_ERRORS.has(code), code);
  });

  it('az failures other than "not installed" and "not signed in" still say to run az login, without the raw output\'s noise', () => {
    const c = { name: 'Me', tenantId: TENANT } as ConnectionRecord;
    const tenant = azureCliError(c, new Error("ERROR: AADSTS90002: Tenant '...' not found.\nTrace ID: x"));
    assert.equal(tenant.code, 'wrong-tenant');
    assert.match(tenant.message, new RegExp(`cannot get a token for tenant ${TENANT} \\(AADSTS90002\\): run 'az login --tenant ${TENANT}'`));
    const other = azureCliError(c, new Error('ERROR: The command failed with an unexpected error.\nTraceback (most recent call last): ...'));
    assert.equal(other.code, 'not-signed-in');
    assert.match(other.message, /failed \(ERROR: The command failed with an unexpected error\): run 'az login --tenant/);
    assert.doesNotMatch(other.message, /Traceback/);
  });
});

describe('sign-in: one token per scope for a sync', () => {
  const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
  it('callers that find the same expiring token share one refresh', async () => {
    let asked = 0;
    const c = { id: 'c1', name: 'Me', tenantId: TENANT, credentialKind: 'microsoft-account', cloud: { name: 'AzureCloud' } } as ConnectionRecord;
    const cred = new ClientTokenCredential(c, async () => {
      asked++;
      // The first token expires within the refresh margin; the next ones are good for an hour.
      const expires = Date.now() + (asked === 1 ? 60_000 : 3_600_000);
      return { token: jwt({ tid: TENANT }), expiresOnTimestamp: expires };
    });
    const scope = 'https://management.azure.com/.default';
    await cred.getToken(scope);
    await Promise.all(Array.from({ length: 6 }, () => cred.getToken(scope)));
    assert.equal(asked, 2, 'the first token, then one refresh for six callers');
    await cred.getToken(scope);
    assert.equal(asked, 2, 'the refreshed token is used while good');
  });
});
