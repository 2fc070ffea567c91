/**
 * Name-based UUIDs (RFC 9562 version 5, SHA-1): the same evidence row or control gets the same OSCAL uuid in every
 * export, so an auditor can diff two exports and a tool can link observations across them.
 */
import { hash } from 'node:crypto';

/** Rampart's namespace for OSCAL ids (a fixed random UUID). */
export const RAMPART_NAMESPACE = '3c0a7f0e-5b7d-4f59-9e0c-2d1f8a6b4c11';

const namespaces = new Map<string, Buffer>();
/** The variant digit of byte 8: its top two bits set to 10 (RFC 9562), indexed by the hash's hex digit. */
const VARIANT = '89ab89ab89ab89ab';

/**
 * The version-5 UUID of `name` in `namespace`. One-shot `crypto.hash` and string surgery on its hex digest: an OSCAL
 * export computes a few hundred thousand of these, and a Hash object per call cost more than the rest of a row.
 */
export function uuidV5(name: string, namespace = RAMPART_NAMESPACE): string {
  let ns = namespaces.get(namespace);
  if (!ns) namespaces.set(namespace, ns = Buffer.from(namespace.replace(/-/g, ''), 'hex'));
  const h = hash('sha1', Buffer.concat([ns, Buffer.from(name, 'utf8')]), 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${VARIANT[parseInt(h[16], 16)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
