/**
 * MSAL reports every failure of the OpenID discovery request as "endpoints_resolution_error: Endpoints cannot be
 * resolved", whether the tenant does not exist, the host is unreachable or its certificate is untrusted. This asks
 * the same URL once more, with the same agent, to say which.
 */
import * as https from 'node:https';

export async function explainDiscoveryFailure(authorityHost: string, tenantId: string, agent: https.Agent): Promise<Error> {
  const url = `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`;
  return new Promise((resolve) => {
    const req = https.get(url, { agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { if (body.length < 8192) body += chunk; });
      res.on('end', () => {
        let description = '';
        try {
          const parsed = JSON.parse(body) as { error_description?: string };
          description = parsed.error_description ?? '';
        } catch { /* not JSON: keep the status only */ }
        resolve(new Error(`Discovery at ${url} answered ${res.statusCode}${description ? `: ${description}` : ''}`));
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`Discovery at ${url} timed out`), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => resolve(e));
  });
}
