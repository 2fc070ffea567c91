/**
 * Judging posture records: each row is a list of checks, and a row passes only when every check passes. A check on a
 * field the API did not return is "unknown", never "pass"; the row's data keeps such fields as null so the JSON shows
 * what was missing. Data holds observed facts only (never the verdict), so the fingerprint changes only with Azure.
 */
import type {
  Inventory, KeyVaultRecord, PublicIpRecord, RoleDefinitionRecord, SecureScoreRecord, StorageAccountRecord, VaultKeyRecord, VaultSecretRecord,
} from '../store/schema';
import type { Observation } from './evidence';

type Result = 'pass' | 'fail' | 'unknown';
interface Check { result: Result; why: string }

/** The overall secure score below which CC7.1 evidence fails. */
export const SECURE_SCORE_MINIMUM = 0.7;

const pass = (why = ''): Check => ({ result: 'pass', why });
const fail = (why: string): Check => ({ result: 'fail', why });
const unknown = (field: string): Check => ({ result: 'unknown', why: field });
/** undefined becomes null, so a missing field shows in the row's JSON instead of vanishing. */
const n = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

function verdict(checks: Check[]): Pick<Observation, 'status' | 'reason'> {
  const failed = checks.filter((c) => c.result === 'fail');
  if (failed.length) return { status: 'fail', reason: `${failed.map((c) => c.why.replace(/\.$/, '')).join('; ')}.` };
  const missing = checks.filter((c) => c.result === 'unknown');
  if (missing.length) return { status: 'unknown', reason: `Not returned by the API: ${missing.map((c) => c.why).join(', ')}.` };
  return { status: 'pass' };
}

/** Observations for every posture record of an inventory, judged at `now` (expiry depends on it). */
export function observePosture(inv: Inventory, now: Date): Observation[] {
  return [
    ...customRoles(inv.roleDefinitions).map(judgeCustomRole),
    ...inv.secureScores.flatMap(judgeSecureScore),
    ...inv.storageAccounts.map(judgeStorage),
    ...inv.keyVaults.map(judgeVault),
    ...inv.vaultKeys.map((k) => judgeKey(k, now)),
    ...inv.vaultSecrets.map((s) => judgeSecret(s, now)),
    ...inv.publicIps.map(judgePublicIp),
  ];
}

/**
 * One definition per custom role: the same role is listed at every subscription it is assignable to, each time
 * under a subscription-prefixed id. Anything not marked BuiltInRole counts as custom.
 */
function customRoles(defs: RoleDefinitionRecord[]): RoleDefinitionRecord[] {
  const byName = new Map<string, RoleDefinitionRecord>();
  for (const d of defs) if (d.roleType !== 'BuiltInRole' && !byName.has(d.name.toLowerCase())) byName.set(d.name.toLowerCase(), d);
  return [...byName.values()];
}

const AUTHZ_WRITE = /^microsoft\.authorization\/(\*|roleassignments\/(\*|write)|roledefinitions\/(\*|write)|\*\/write)$/i;

function judgeCustomRole(d: RoleDefinitionRecord): Observation {
  const checks: Check[] = [];
  if (d.actions.some((a) => a.trim() === '*')) checks.push(fail(`Custom role '${d.roleName}' grants every action ('*').`));
  else if (d.actions.some((a) => AUTHZ_WRITE.test(a.trim()))) checks.push(fail(`Custom role '${d.roleName}' can change access (Microsoft.Authorization write).`));
  if (d.assignableScopes.some((s) => s === '/')) checks.push(fail(`Custom role '${d.roleName}' is assignable at the tenant root ('/').`));
  return {
    // Tenant-wide subject: the role is one object whichever subscription listed it.
    type: 'custom-role', subject: `/providers/Microsoft.Authorization/roleDefinitions/${d.name}`, ...verdict(checks),
    data: { roleName: d.roleName, actions: d.actions, notActions: d.notActions, dataActions: d.dataActions, notDataActions: d.notDataActions, assignableScopes: d.assignableScopes },
  };
}

function judgeSecureScore(s: SecureScoreRecord): Observation[] {
  const overall: Check = s.percentage === undefined ? unknown('score percentage')
    : s.percentage < SECURE_SCORE_MINIMUM ? fail(`Secure score ${pct(s.percentage)} is below ${pct(SECURE_SCORE_MINIMUM)}.`) : pass();
  const out: Observation[] = [{
    type: 'secure-score', subject: s.id, subscriptionId: s.subscriptionId, ...verdict([overall]),
    data: { kind: 'overall', name: s.name, displayName: n(s.displayName), current: n(s.current), max: n(s.max), percentage: n(s.percentage), weight: n(s.weight), controls: s.controls.length },
  }];
  for (const c of s.controls) {
    const check: Check = c.unhealthy === undefined && c.percentage === undefined ? unknown('unhealthy resource count and percentage')
      : (c.unhealthy ?? 0) > 0 ? fail(`${c.displayName ?? c.name}: ${c.unhealthy} unhealthy resource(s), ${pct(c.percentage)} of the points.`)
        : c.unhealthy === undefined ? unknown('unhealthy resource count') : pass();
    out.push({
      type: 'secure-score', subject: c.id || `${s.id}/secureScoreControls/${c.name}`, subscriptionId: s.subscriptionId, ...verdict([check]),
      data: {
        kind: 'control', name: c.name, displayName: n(c.displayName), current: n(c.current), max: n(c.max), percentage: n(c.percentage),
        healthy: n(c.healthy), unhealthy: n(c.unhealthy), notApplicable: n(c.notApplicable), weight: n(c.weight),
      },
    });
  }
  return out;
}

const pct = (p: number | undefined) => (p === undefined ? 'unknown' : `${Math.round(p * 100)}%`);
const TLS_OK = new Set(['TLS1_2', 'TLS1_3']);

function judgeStorage(a: StorageAccountRecord): Observation {
  const checks: Check[] = [
    a.allowBlobPublicAccess === undefined ? unknown('allowBlobPublicAccess')
      : a.allowBlobPublicAccess ? fail('Anonymous (public) blob access is allowed.') : pass(),
    networkCheck('publicNetworkAccess', a.publicNetworkAccess, a.networkDefaultAction, 'The account is reachable from any network'),
    a.minimumTlsVersion === undefined ? unknown('minimumTlsVersion')
      : TLS_OK.has(a.minimumTlsVersion) ? pass() : fail(`Minimum TLS version is ${a.minimumTlsVersion}.`),
    a.httpsOnly === undefined ? unknown('supportsHttpsTrafficOnly') : a.httpsOnly ? pass() : fail('Plain HTTP is accepted (HTTPS-only is off).'),
    a.allowSharedKeyAccess === undefined ? unknown('allowSharedKeyAccess')
      : a.allowSharedKeyAccess ? fail('Shared key (account key) access is allowed.') : pass(),
  ];
  return {
    type: 'storage-account', subject: a.id, subscriptionId: a.subscriptionId, ...verdict(checks),
    data: {
      name: a.name, resourceGroup: a.resourceGroup, location: n(a.location), allowBlobPublicAccess: n(a.allowBlobPublicAccess),
      publicNetworkAccess: n(a.publicNetworkAccess), networkDefaultAction: n(a.networkDefaultAction), minimumTlsVersion: n(a.minimumTlsVersion),
      httpsOnly: n(a.httpsOnly), allowSharedKeyAccess: n(a.allowSharedKeyAccess),
    },
  };
}

/** Public network access: Disabled passes; Enabled passes only behind a Deny default action. */
function networkCheck(field: string, access: string | undefined, defaultAction: string | undefined, exposed: string): Check {
  if (access?.toLowerCase() === 'disabled') return pass();
  if (defaultAction?.toLowerCase() === 'deny') return pass();
  if (defaultAction?.toLowerCase() === 'allow') return fail(`${exposed} (network default action Allow).`);
  if (access === undefined) return unknown(field);
  return fail(`${exposed} (public network access ${access}, no network rules returned).`);
}

function judgeVault(v: KeyVaultRecord): Observation {
  const flag = (value: boolean | undefined, field: string, off: string): Check => (value === undefined ? unknown(field) : value ? pass() : fail(off));
  const checks: Check[] = [
    flag(v.enablePurgeProtection, 'enablePurgeProtection', 'Purge protection is off: deleted keys and secrets can be destroyed at once.'),
    flag(v.enableSoftDelete, 'enableSoftDelete', 'Soft delete is off.'),
    flag(v.enableRbacAuthorization, 'enableRbacAuthorization', 'Access is granted by vault access policies, not Azure RBAC.'),
    networkCheck('publicNetworkAccess', v.publicNetworkAccess, v.networkDefaultAction, 'The vault is reachable from any network'),
  ];
  return {
    type: 'key-vault', subject: v.id, subscriptionId: v.subscriptionId, ...verdict(checks),
    data: {
      name: v.name, resourceGroup: v.resourceGroup, location: n(v.location), enablePurgeProtection: n(v.enablePurgeProtection),
      enableSoftDelete: n(v.enableSoftDelete), enableRbacAuthorization: n(v.enableRbacAuthorization),
      publicNetworkAccess: n(v.publicNetworkAccess), networkDefaultAction: n(v.networkDefaultAction),
    },
  };
}

/**
 * Expiry. Key Vault leaves `expires` out of the attributes when none is set, so with attributes returned an absent
 * expiry is a known "never expires"; without attributes it is unknown.
 */
function expiryCheck(what: string, attributesReturned: boolean, expires: string | undefined, now: Date): Check {
  if (!attributesReturned) return unknown('attributes (expiry)');
  if (!expires) return fail(`${what} never expires.`);
  if (Date.parse(expires) <= now.getTime()) return fail(`${what} expired on ${expires.slice(0, 10)}.`);
  return pass();
}

function vaultName(id: string): string {
  return /\/vaults\/([^/]+)/i.exec(id)?.[1] ?? id;
}

function judgeKey(k: VaultKeyRecord, now: Date): Observation {
  const rotation: Check = k.rotation === undefined ? unknown('rotationPolicy')
    : k.rotation.rotateAfter || k.rotation.rotateBeforeExpiry ? pass()
      : fail(`Key '${k.name}' has a rotation policy that never rotates it (notify only).`);
  const checks = [expiryCheck(`Key '${k.name}' in vault ${vaultName(k.vaultId)}`, k.attributesReturned, k.expires, now), rotation];
  return {
    type: 'key-vault-key', subject: k.id, subscriptionId: k.subscriptionId, ...verdict(checks),
    data: {
      name: k.name, vault: vaultName(k.vaultId), vaultId: k.vaultId, enabled: n(k.enabled), expires: n(k.expires),
      rotationPolicy: k.rotation ? { rotateAfter: n(k.rotation.rotateAfter), rotateBeforeExpiry: n(k.rotation.rotateBeforeExpiry), notifyBeforeExpiry: n(k.rotation.notifyBeforeExpiry), expiryTime: n(k.rotation.expiryTime) } : null,
    },
  };
}

function judgeSecret(s: VaultSecretRecord, now: Date): Observation {
  return {
    type: 'key-vault-secret', subject: s.id, subscriptionId: s.subscriptionId,
    ...verdict([expiryCheck(`Secret '${s.name}' in vault ${vaultName(s.vaultId)}`, s.attributesReturned, s.expires, now)]),
    data: { name: s.name, vault: vaultName(s.vaultId), vaultId: s.vaultId, enabled: n(s.enabled), expires: n(s.expires) },
  };
}

function judgePublicIp(p: PublicIpRecord): Observation {
  // ARM leaves ipConfiguration out when the address is attached to nothing: an orphaned, still-routable address.
  const check: Check = p.attachedTo ? pass() : fail(`Public IP ${p.name} (${p.ipAddress ?? 'not allocated'}) is attached to nothing: remove it or record why it exists.`);
  return {
    type: 'public-ip', subject: p.id, subscriptionId: p.subscriptionId, ...verdict([check]),
    data: {
      name: p.name, resourceGroup: p.resourceGroup, location: n(p.location), ipAddress: n(p.ipAddress), allocation: n(p.allocation),
      version: n(p.version), sku: n(p.sku), attachedTo: n(p.attachedTo),
    },
  };
}
