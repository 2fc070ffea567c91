/**
 * `Create Certificate Credential`: a fresh RSA 2048 key pair and a self-signed X.509 certificate (CN = the
 * connection's name, valid one year) for a connector's app registration. The private PEM (certificate + PKCS#8 key)
 * goes to SecretStorage or a file readable only by the user; the public certificate is uploaded to Entra ID.
 */
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { registerSecret } from '../util/redact';

export interface GeneratedCertificate {
  /** Certificate then PKCS#8 private key, as ClientCertificateCredential reads it. Secret. */
  pem: string;
  /** The public certificate alone (PEM), for `az ad app credential reset --cert @FILE`. */
  certificatePem: string;
  /** SHA-1 thumbprint in hex, upper case, as the Azure portal lists it. */
  thumbprint: string;
  notBefore: string;
  notAfter: string;
}

export const CERTIFICATE_VALIDITY_DAYS = 365;

export async function generateCertificate(commonName: string, now: Date): Promise<GeneratedCertificate> {
  const notAfterDate = new Date(now.getTime() + CERTIFICATE_VALIDITY_DAYS * 86_400_000);
  const r = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'rsa', keySize: 2048, algorithm: 'sha256', notBeforeDate: now, notAfterDate,
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, critical: true }],
  });
  registerSecret(r.private);
  const certificatePem = r.cert.trim() + '\n';
  const x = new X509Certificate(certificatePem);
  return {
    pem: `${certificatePem}${r.private.trim()}\n`,
    certificatePem,
    thumbprint: x.fingerprint.replace(/:/g, '').toUpperCase(),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
  };
}

/** The steps after generation: upload the public certificate to the app registration, then sync. */
export function certificateInstructions(input: { connectionName: string; clientId: string; file: string; thumbprint: string; notAfter: string }): string {
  return [
    `A new certificate for connection '${input.connectionName}' (thumbprint ${input.thumbprint}, valid until ${input.notAfter.slice(0, 10)}).`,
    'Its private key never leaves this machine. Register the public certificate with the app registration:',
    '',
    `  az ad app credential reset --id ${input.clientId} --cert @${input.file} --append`,
    '',
    '(--append keeps the app\'s other credentials; without it they are removed.) Or in the Azure portal: Microsoft Entra ID >',
    `App registrations > the app with client ID ${input.clientId} > Certificates & secrets > Certificates > Upload certificate.`,
    '',
    'Then sync the connection. Once the certificate works, delete the client secret the app no longer needs:',
    `  az ad app credential list --id ${input.clientId}`,
    `  az ad app credential delete --id ${input.clientId} --key-id <keyId of the secret>`,
    `Create a new certificate before ${input.notAfter.slice(0, 10)}: sign-in fails once it expires.`,
  ].join('\n');
}
