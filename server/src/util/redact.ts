/**
 * Keeps secrets out of logs and error messages. Every secret the process handles is registered here; `redact`
 * replaces each occurrence with a marker. Also strips anything that looks like a bearer token or a
 * client_secret/client_assertion form field.
 */
const secrets = new Set<string>();

export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) secrets.add(secret);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{16,}/g, '$1***')
    .replace(/(client_secret|client_assertion)=[^&\s"]+/g, '$1=***')
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[private key]');
}
