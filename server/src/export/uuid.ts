/**
 * Name-based UUIDs (RFC 9562 version 5, SHA-1): the same evidence row or control gets the same OSCAL uuid in every
 * export, so an auditor can diff two exports and a tool can link observations across them.
 */
import { createHash } from 'node:crypto';

/** Rampart's namespace for OSCAL ids (a fixed random UUID). */
export const RAMPART_NAMESPACE = '3c0a7f0e-5b7d-4f59-9e0c-2d1f8a6b4c11';

/** The version-5 UUID of `name` in `namespace`. */
export function uuidV5(name: string, namespace = RAMPART_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
