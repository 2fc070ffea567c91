/**
 * Entra ID routes: OpenID discovery, instance discovery, JWKS and the v2.0 token endpoint (client credentials with a
 * client secret or a certificate assertion). Errors carry Entra's AADSTS body shape.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { readBody, sendJson, type RequestContext } from './http';
import { findApp } from './arm-common';
import { checkClientAssertion } from './assertion';
import { mintAccessToken, TOKEN_LIFETIME_SECONDS } from './tokens';

const DISCOVERY_V2 = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i;
const DISCOVERY_V1 = /^\/([^/]+)\/\.well-known\/openid-configuration$/i;
const INSTANCE_DISCOVERY = /^\/common\/discovery\/instance$/i;
const JWKS = /^\/([^/]+)\/discovery\/(?:v2\.0\/)?keys$/i;
const TOKEN = /^\/([^/]+)\/oauth2\/(?:v2\.0\/)?token$/i;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

/** Whether a path belongs to Entra ID (so faults get AADSTS-shaped bodies and ARM auth is skipped). */
export function isAadPath(path: string): boolean {
  return [DISCOVERY_V2, DISCOVERY_V1, INSTANCE_DISCOVERY, JWKS, TOKEN].some((re) => re.test(path));
}

function entraTimestamp(d = new Date()): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Sends an Entra ID error: `{error, error_description: "AADSTSnnn: ... Trace ID ... Correlation ID ... Timestamp ...", ...}`. */
export function sendAadError(ctx: RequestContext, status: number, error: string, code: number, text: string): void {
  const timestamp = entraTimestamp();
  const traceId = randomUUID();
  const header = ctx.req.headers['client-request-id'];
  const correlationId = typeof header === 'string' && /^[0-9a-f-]{36}$/i.test(header) ? header : randomUUID();
  sendJson(ctx, status, {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${ctx.baseUrl}/error?code=${code}`,
  });
}

/** The tenant id a path segment names (the tenant GUID or its default domain), or undefined. */
function resolveTenant(ctx: RequestContext, segment: string): string | undefined {
  const t = ctx.state.scenario.tenant;
  const s = decodeURIComponent(segment).toLowerCase();
  // An AD FS authority (https://host/adfs, as on Azure Stack Hub) names no tenant: the emulator's one tenant answers.
  // The Azure CLI's MSAL skips instance discovery (a call to login.microsoftonline.com) only for such an authority.
  if (s === 'adfs') return t.id;
  if (s === t.id.toLowerCase() || (t.defaultDomain && s === t.defaultDomain.toLowerCase())) return t.id;
  return undefined;
}

function tenantNotFound(ctx: RequestContext, segment: string): void {
  sendAadError(
    ctx,
    400,
    'invalid_tenant',
    90002,
    `Tenant '${decodeURIComponent(segment)}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. ` +
      'Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.',
  );
}

function discoveryDocument(b: string, t: string, v2: boolean): Record<string, unknown> {
  const v = v2 ? '/v2.0' : '';
  const o = v2 ? '/oauth2/v2.0' : '/oauth2';
  return {
    token_endpoint: `${b}/${t}${o}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${b}/${t}/discovery${v}/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${b}/${t}${v2 ? '/v2.0' : '/'}`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${b}/oidc/userinfo`,
    authorization_endpoint: `${b}/${t}${o}/authorize`,
    device_authorization_endpoint: `${b}/${t}${o}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${b}/${t}${o}/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'oid'],
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** Handles an Entra ID route; returns false when the path is not one. */
export async function handleAad(ctx: RequestContext): Promise<boolean> {
  const { path, method, baseUrl } = ctx;
  let m: RegExpMatchArray | null;
  if (method === 'GET' && (m = path.match(DISCOVERY_V2) ?? path.match(DISCOVERY_V1))) {
    const generic = /^(common|organizations)$/i.test(m[1]);
    const tid = generic ? '{tenantid}' : resolveTenant(ctx, m[1]);
    if (!tid) tenantNotFound(ctx, m[1]);
    else sendJson(ctx, 200, discoveryDocument(baseUrl, generic ? m[1] : tid, DISCOVERY_V2.test(path)));
    return true;
  }
  if (method === 'GET' && INSTANCE_DISCOVERY.test(path)) {
    const host = new URL(baseUrl).host;
    const authz = ctx.query.authorization_endpoint ?? '';
    const seg = /^https:\/\/[^/]+\/([^/]+)\//i.exec(authz)?.[1] ?? 'common';
    sendJson(ctx, 200, {
      tenant_discovery_endpoint: `${baseUrl}/${seg}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
    return true;
  }
  if (method === 'GET' && (m = path.match(JWKS))) {
    if (!resolveTenant(ctx, m[1])) tenantNotFound(ctx, m[1]);
    else sendJson(ctx, 200, { keys: [] });
    return true;
  }
  if ((m = path.match(TOKEN))) {
    if (method !== 'POST') {
      sendAadError(ctx, 405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
      return true;
    }
    await token(ctx, m[1]);
    return true;
  }
  return false;
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

async function token(ctx: RequestContext, tenantSegment: string): Promise<void> {
  const form = new URLSearchParams(await readBody(ctx.req));
  let clientId = form.get('client_id') ?? undefined;
  let secret = form.get('client_secret') ?? undefined;
  const basic = /^Basic\s+(.+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (basic) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    clientId ??= decodeURIComponent(id);
    secret ??= decodeURIComponent(rest.join(':'));
  }
  ctx.clientId = clientId;

  const tid = resolveTenant(ctx, tenantSegment);
  if (!tid) return tenantNotFound(ctx, tenantSegment);
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') {
    return sendAadError(ctx, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant ?? ''}'.`);
  }
  if (!clientId) {
    return sendAadError(ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
  }
  const app = findApp(ctx.state, clientId);
  if (!app) {
    const t = ctx.state.scenario.tenant;
    return sendAadError(
      ctx,
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${t.displayName ?? t.id}'. ` +
        'This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. ' +
        'You may have sent your authentication request to the wrong tenant.',
    );
  }
  const scopes = (form.get('scope') ?? '').split(/\s+/).filter((s) => s && !OIDC_SCOPES.has(s));
  if (scopes.length === 0) {
    return sendAadError(ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
  }
  if (scopes.length !== 1 || !scopes[0].endsWith('/.default')) {
    return sendAadError(
      ctx,
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const assertion = form.get('client_assertion');
  if (assertion) {
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
      return sendAadError(ctx, 400, 'invalid_request', 50027, 'Invalid client_assertion_type: expected the JWT bearer assertion type.');
    }
    const failure = checkClientAssertion(assertion, app, ctx.state.scenarioDir, `${ctx.baseUrl}${ctx.path}`);
    if (failure) return sendAadError(ctx, failure.code === 50027 ? 400 : 401, failure.error, failure.code, failure.text);
  } else if (secret !== undefined) {
    if (!app.secret || !sameSecret(secret, app.secret)) {
      return sendAadError(
        ctx,
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, ' +
          `not the client secret ID, for a secret added to app '${app.clientId}'.`,
      );
    }
    if (app.secretExpiresAt && Date.parse(app.secretExpiresAt) <= Date.now()) {
      return sendAadError(
        ctx,
        401,
        'invalid_client',
        7000222,
        `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: ` +
          'https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.',
      );
    }
  } else {
    return sendAadError(ctx, 401, 'invalid_client', 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
  }
  const audience = scopes[0].slice(0, -'/.default'.length);
  sendJson(
    ctx,
    200,
    {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: mintAccessToken(ctx.state, app, ctx.baseUrl, audience),
    },
    { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
  );
}
