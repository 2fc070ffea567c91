/**
 * Azure Resource Graph rows (resultFormat objectArray) as inventory records, field for field what the per-subscription
 * SDK path records: ARG serves the resource provider's wire shape (`properties` as the provider returns them), so the
 * renames the SDKs make (supportsHttpsTrafficOnly -> httpsOnly, networkAcls -> networkRuleSet, score.current ->
 * current) are made here. A field a row lacks stays undefined, as on the SDK path.
 * The owner's fields are written out rather than spread (`...owned`): a spread followed by this many fields makes
 * V8 build each record the slow way, about 8x the time of the whole mapping for 40,000 role assignments.
 */
import type {
  KeyVaultRecord, PublicIpRecord, ResourceGroupRecord, RoleAssignmentRecord, RoleDefinitionRecord, SecureScoreRecord, StorageAccountRecord,
  SubscriptionRecord,
} from '../store/schema';
import { attachmentOf, resourceGroupOf, secureScoreRecords } from './collect-posture';
import { toDefinition } from './collect';

type Owned = { connectionId: string; tenantId: string };
export type Row = Record<string, unknown>;
/** Wire JSON, read field by field. */
type Props = Record<string, any>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const props = (r: Row): Props => (r.properties && typeof r.properties === 'object' ? r.properties as Props : {});
/** The subscription of a row: its subscriptionId column, else the one in its id. */
export const subscriptionOf = (r: Row): string => str(r.subscriptionId) || (/^\/subscriptions\/([^/]+)/i.exec(str(r.id) ?? '')?.[1] ?? '');
const tags = (v: unknown): Record<string, string> => (v && typeof v === 'object' ? v as Record<string, string> : {});

export function subscriptionRecord(r: Row, owned: Owned): SubscriptionRecord {
  const id = subscriptionOf(r);
  return { connectionId: owned.connectionId, tenantId: owned.tenantId, id: str(r.id) ?? `/subscriptions/${id}`, subscriptionId: id, name: str(r.name) ?? id, state: str(props(r).state) ?? 'Unknown' };
}

export function resourceGroupRecord(r: Row, owned: Owned): ResourceGroupRecord {
  return { connectionId: owned.connectionId, tenantId: owned.tenantId, id: str(r.id) ?? '', subscriptionId: subscriptionOf(r), name: str(r.name) ?? '', location: str(r.location) ?? '', tags: tags(r.tags) };
}

/** A role assignment row: its `properties`, or the same fields projected to columns (resource-graph.ts). */
export function roleAssignmentRecord(r: Row, owned: Owned): RoleAssignmentRecord {
  const p = r.properties ? props(r) : r as Props;
  const s = subscriptionOf(r);
  return {
    connectionId: owned.connectionId, tenantId: owned.tenantId, id: str(r.id) ?? '', subscriptionId: s, principalId: p.principalId ?? '', principalType: p.principalType ?? 'Unknown',
    roleDefinitionId: p.roleDefinitionId ?? '', roleName: '', scope: p.scope ?? `/subscriptions/${s}`, description: p.description ?? undefined,
  };
}

/**
 * Assignments made at management groups (or the root, "/"), as ARG gives them (once each, no subscription), as the
 * per-subscription path records them: once per subscription of `subscriptions` below the group, with that
 * subscription's id and the role definition id prefixed by it, as ARM lists them there. `chains`: resourcecontainers
 * subscription rows with `chain`, their properties.managementGroupAncestorsChain.
 */
export function inheritedAssignmentRecords(atGroups: RoleAssignmentRecord[], chains: Row[], subscriptions: string[]): RoleAssignmentRecord[] {
  const groupsOf = new Map<string, Set<string>>();
  for (const r of chains) {
    const chain = Array.isArray(r.chain) ? r.chain as Props[] : [];
    groupsOf.set(subscriptionOf(r).toLowerCase(), new Set(chain.map((g) => String(g?.name ?? '').toLowerCase())));
  }
  const seen = new Set<string>();
  const out: RoleAssignmentRecord[] = [];
  for (const a of atGroups) {
    if (seen.has(a.id.toLowerCase())) continue;
    seen.add(a.id.toLowerCase());
    const group = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)$/i.exec(a.scope)?.[1]?.toLowerCase();
    const atRoot = a.scope.replace(/\/+$/, '') === '';
    const guid = a.roleDefinitionId.split('/').pop() ?? '';
    for (const s of subscriptions) {
      if (!atRoot && !(group && groupsOf.get(s.toLowerCase())?.has(group))) continue;
      out.push({ ...a, subscriptionId: s, roleDefinitionId: `/subscriptions/${s}/providers/Microsoft.Authorization/roleDefinitions/${guid}` });
    }
  }
  return out;
}

/** Whether a custom role may be assigned within subscription `s` (an assignable scope at, above or below it). */
function assignableIn(scopes: string[], s: string): boolean {
  const sub = `/subscriptions/${s}`.toLowerCase();
  return scopes.some((x) => {
    const scope = x.toLowerCase().replace(/\/+$/, '');
    return scope === '' || /^\/providers\/microsoft\.management\/managementgroups\//.test(scope) || scope === sub || scope.startsWith(`${sub}/`);
  });
}

/**
 * ARG holds each role definition once, tenant-wide; ARM lists them per subscription under subscription-prefixed ids,
 * which is what role assignments name. So: per subscription, the built-in roles its assignments use and the custom
 * roles assignable there, under the id ARM would give them. (Unused built-ins are dropped on the SDK path too.)
 */
export function roleDefinitionRecords(defs: Row[], subscriptions: string[], assignments: RoleAssignmentRecord[], owned: Owned): RoleDefinitionRecord[] {
  const used = new Map<string, Set<string>>();
  for (const a of assignments) {
    const guid = a.roleDefinitionId.split('/').pop()?.toLowerCase() ?? '';
    const key = a.subscriptionId.toLowerCase();
    if (!used.has(key)) used.set(key, new Set());
    used.get(key)!.add(guid);
  }
  // Each definition read once; per subscription only its id differs (the records share the permission arrays).
  type Prepared = { index: number; name: string; scopes: string[]; record: RoleDefinitionRecord };
  const builtIns = new Map<string, Prepared[]>();
  const customs: Prepared[] = [];
  defs.forEach((d, index) => {
    const p = props(d);
    const name = str(d.name) ?? '';
    const prepared = {
      index, name, scopes: p.assignableScopes ?? [],
      record: toDefinition({ name, roleName: p.roleName, roleType: p.type, assignableScopes: p.assignableScopes, permissions: p.permissions }, '', owned),
    };
    if (p.type !== 'BuiltInRole') customs.push(prepared);
    else {
      const key = name.toLowerCase();
      if (!builtIns.has(key)) builtIns.set(key, []);
      builtIns.get(key)!.push(prepared);
    }
  });
  const out: RoleDefinitionRecord[] = [];
  for (const s of subscriptions) {
    const mine: Prepared[] = [];
    for (const guid of used.get(s.toLowerCase()) ?? []) {
      for (const d of builtIns.get(guid) ?? []) mine.push(d);
    }
    for (const d of customs) if (assignableIn(d.scopes, s)) mine.push(d);
    // In the order ARG returned the definitions, as before.
    mine.sort((x, y) => x.index - y.index);
    for (const { name, record: r } of mine) {
      out.push({
        connectionId: r.connectionId, tenantId: r.tenantId, id: `/subscriptions/${s}/providers/Microsoft.Authorization/roleDefinitions/${name}`, subscriptionId: s,
        name: r.name, roleName: r.roleName, roleType: r.roleType, actions: r.actions, notActions: r.notActions, dataActions: r.dataActions,
        notDataActions: r.notDataActions, assignableScopes: r.assignableScopes,
      });
    }
  }
  return out;
}

export function storageAccountRecord(r: Row, owned: Owned): StorageAccountRecord {
  const p = props(r);
  const id = str(r.id) ?? '';
  return {
    connectionId: owned.connectionId, tenantId: owned.tenantId, id, subscriptionId: subscriptionOf(r), name: str(r.name) ?? '', resourceGroup: resourceGroupOf(id), location: str(r.location),
    allowBlobPublicAccess: p.allowBlobPublicAccess, publicNetworkAccess: p.publicNetworkAccess, networkDefaultAction: p.networkAcls?.defaultAction,
    minimumTlsVersion: p.minimumTlsVersion, httpsOnly: p.supportsHttpsTrafficOnly, allowSharedKeyAccess: p.allowSharedKeyAccess,
  };
}

export function keyVaultRecord(r: Row, owned: Owned): KeyVaultRecord {
  const p = props(r);
  const id = str(r.id) ?? '';
  return {
    connectionId: owned.connectionId, tenantId: owned.tenantId, id, subscriptionId: subscriptionOf(r), name: str(r.name) ?? '', resourceGroup: resourceGroupOf(id), location: str(r.location),
    enablePurgeProtection: p.enablePurgeProtection, enableSoftDelete: p.enableSoftDelete, enableRbacAuthorization: p.enableRbacAuthorization,
    publicNetworkAccess: p.publicNetworkAccess, networkDefaultAction: p.networkAcls?.defaultAction,
  };
}

export function publicIpRecord(r: Row, owned: Owned): PublicIpRecord {
  const p = props(r);
  const id = str(r.id) ?? '';
  const sku = r.sku && typeof r.sku === 'object' ? (r.sku as Props).name : undefined;
  return {
    connectionId: owned.connectionId, tenantId: owned.tenantId, id, subscriptionId: subscriptionOf(r), name: str(r.name) ?? '', resourceGroup: resourceGroupOf(id), location: str(r.location),
    ipAddress: p.ipAddress, allocation: p.publicIPAllocationMethod, version: p.publicIPAddressVersion, sku,
    attachedTo: attachmentOf(p.ipConfiguration?.id) ?? p.natGateway?.id,
  };
}

/** Secure scores and their controls (securityresources rows), grouped per subscription as the SDK path reads them. */
export function secureScoreRecordsOf(rows: Row[], owned: Owned): SecureScoreRecord[] {
  const bySub = new Map<string, { scores: Props[]; controls: Props[] }>();
  for (const r of rows) {
    const s = subscriptionOf(r);
    if (!bySub.has(s)) bySub.set(s, { scores: [], controls: [] });
    const p = props(r);
    // The SDK's flattening: properties.score.{max,current,percentage} become top-level fields.
    const flat = { id: str(r.id), name: str(r.name), displayName: p.displayName, weight: p.weight, current: p.score?.current, max: p.score?.max, percentage: p.score?.percentage };
    if (/securescorecontrols$/i.test(str(r.type) ?? '')) {
      bySub.get(s)!.controls.push({ ...flat, healthyResourceCount: p.healthyResourceCount, unhealthyResourceCount: p.unhealthyResourceCount, notApplicableResourceCount: p.notApplicableResourceCount });
    } else {
      bySub.get(s)!.scores.push(flat);
    }
  }
  return [...bySub].flatMap(([s, x]) => secureScoreRecords(s, owned, x.scores, x.controls));
}
