import * as vscode from 'vscode';
import { ActionableError } from '../errors';

/**
 * Reads a certificate credential's PEM file, once, and checks it holds both the certificate and its private key:
 * the one check of the Connect wizard and of Update Credentials. Throws ActionableError naming the file.
 */
export async function readCertificatePem(file: vscode.Uri): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(file);
  } catch {
    throw new ActionableError(`${file.fsPath} cannot be read.`);
  }
  const pem = new TextDecoder().decode(bytes);
  if (!/-----BEGIN CERTIFICATE-----/.test(pem) || !/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(pem)) {
    throw new ActionableError(`${file.fsPath} must hold both the certificate and its private key in PEM form.`);
  }
  return pem;
}
