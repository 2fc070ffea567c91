/**
 * Builders for posture resources in ARM wire shape, used by the sample generator and tests. Each takes only the
 * fields to serve: anything left out is absent on the wire, exactly as real payloads omit fields.
 */
import type { ScenarioResource, ScenarioVault, ScenarioWire } from '../scenario';

const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The subscription's overall secure score ("ascScore"). */
export function secureScore(current: number, max: number, weight = 60): ScenarioWire {
  return { name: 'ascScore', properties: { displayName: 'ASC score', score: { max, current, percentage: Math.round((current / max) * 10000) / 10000 }, weight } };
}

/** One secure score control; `percentage` follows from current/max as Defender computes it. */
export function scoreControl(name: string, displayName: string, current: number, max: number, healthy: number, unhealthy: number): ScenarioWire {
  return {
    name,
    properties: {
      displayName, healthyResourceCount: healthy, unhealthyResourceCount: unhealthy, notApplicableResourceCount: 0,
      score: { max, current, percentage: max ? Math.round((current / max) * 10000) / 10000 : 0 }, weight: healthy + unhealthy,
    },
  };
}

/** A StorageV2 account with the given wire `properties` (networkAcls, allowBlobPublicAccess, ...). */
export function storageAccount(name: string, resourceGroup: string, location: string, properties: Record<string, unknown>): ScenarioResource {
  return {
    name, resourceGroup, location, kind: 'StorageV2', sku: { name: 'Standard_LRS', tier: 'Standard' },
    properties: { provisioningState: 'Succeeded', creationTime: '2024-03-01T10:00:00.0000000Z', primaryLocation: location, ...properties },
  };
}

export interface KeySpec { name: string; expires?: string; rotateAfter?: string; notifyOnly?: boolean; noAttributes?: boolean }
export interface SecretSpec { name: string; expires?: string }

/** A vault with wire `properties` plus keys and secrets; expiry dates are ISO strings, served as `exp` in epoch seconds (the wire name; the SDK maps it to `expires`). */
export function keyVault(
  name: string, resourceGroup: string, location: string, tenantId: string, properties: Record<string, unknown>,
  keys: KeySpec[] = [], secrets: SecretSpec[] = [],
): ScenarioVault {
  return {
    name, resourceGroup, location, tags: {},
    properties: { tenantId, sku: { family: 'A', name: 'standard' }, vaultUri: `https://${name}.vault.azure.net/`, provisioningState: 'Succeeded', ...properties },
    keys: keys.map((k) => ({
      name: k.name,
      properties: {
        ...(k.noAttributes ? {} : { attributes: { enabled: true, created: epoch('2024-02-01T00:00:00Z'), updated: epoch('2024-02-01T00:00:00Z'), recoveryLevel: 'Recoverable', ...(k.expires ? { exp: epoch(k.expires) } : {}) } }),
        kty: 'RSA', keySize: 2048, keyOps: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'],
        keyUri: `https://${name}.vault.azure.net/keys/${k.name}`,
        ...(k.rotateAfter || k.notifyOnly ? {
          rotationPolicy: {
            attributes: { expiryTime: 'P1Y' },
            lifetimeActions: [
              ...(k.rotateAfter ? [{ trigger: { timeAfterCreate: k.rotateAfter }, action: { type: 'rotate' } }] : []),
              { trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'notify' } },
            ],
          },
        } : {}),
      },
    })),
    secrets: secrets.map((x) => ({
      name: x.name,
      properties: {
        attributes: { enabled: true, created: epoch('2024-02-01T00:00:00Z'), updated: epoch('2024-02-01T00:00:00Z'), ...(x.expires ? { exp: epoch(x.expires) } : {}) },
        secretUri: `https://${name}.vault.azure.net/secrets/${x.name}`,
      },
    })),
  };
}

/** A Standard static public IP, attached to `attachedTo` (an ipConfiguration id) or to nothing. */
export function publicIp(name: string, resourceGroup: string, location: string, ipAddress: string | undefined, attachedTo?: string): ScenarioResource {
  return {
    name, resourceGroup, location, sku: { name: 'Standard', tier: 'Regional' },
    properties: {
      provisioningState: 'Succeeded', publicIPAddressVersion: 'IPv4', publicIPAllocationMethod: ipAddress ? 'Static' : 'Dynamic', idleTimeoutInMinutes: 4,
      ...(ipAddress ? { ipAddress } : {}), ...(attachedTo ? { ipConfiguration: { id: attachedTo } } : {}),
    },
  };
}
