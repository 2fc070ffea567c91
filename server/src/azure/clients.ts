/**
 * Builds the real Azure SDK credential and clients for a connection. One credential per sync, warmed once, shared by
 * every client; one keep-alive agent that trusts the cloud's extra CA (if any) on top of the public roots.
 */
import * as https from 'node:https';
import * as tls from 'node:tls';
import { promises as fs } from 'node:fs';
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/core-auth';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { ResourceManagementClient } from '@azure/arm-resources';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { SecurityCenter } from '@azure/arm-security';
import { StorageManagementClient } from '@azure/arm-storage';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { NetworkManagementClient } from '@azure/arm-network';
import { ManagementGroupsAPI } from '@azure/arm-managementgroups';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { ResolvedCloud } from './clouds';
import { explainDiscoveryFailure } from './discovery';
import { DEFAULT_THROTTLE, ThrottleState, type ThrottleSettings, throttlingPolicies } from './throttling';

export const RESOURCE_GRAPH_API_VERSION = '2021-03-01';

export interface CredentialMaterial {
  secret?: string; certificatePem?: string;
  /** An interactive sign-in (Azure CLI, the editor's Microsoft account: core/sign-in.ts), used as it is. */
  credential?: TokenCredential;
}

export interface RetrySettings { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number }
export const DEFAULT_RETRY: RetrySettings = { maxRetries: 3, retryDelayInMs: 800, maxRetryDelayInMs: 30_000 };

/** What a sync needs from Azure. The real factory below; tests use it too, pointed at the emulator. */
export interface AzureSession {
  readonly cloud: ResolvedCloud;
  readonly credential: TokenCredential;
  /** ARM rate-limit state shared by every client and the credential of this session (see throttling.ts). */
  readonly throttle?: ThrottleState;
  subscriptions(): SubscriptionClient;
  resources(subscriptionId: string): ResourceManagementClient;
  authorization(subscriptionId: string): AuthorizationManagementClient;
  security(subscriptionId: string): SecurityCenter;
  storage(subscriptionId: string): StorageManagementClient;
  keyVault(subscriptionId: string): KeyVaultManagementClient;
  network(subscriptionId: string): NetworkManagementClient;
  /** Management groups (a connection scoped to one lists its descendants). Optional: sessions made by tests may lack it. */
  managementGroups?(): ManagementGroupsAPI;
  /** Azure Resource Graph (above the connection's subscription threshold). Optional: sessions made by tests may lack it. */
  resourceGraph?(): ResourceGraphClient;
  /** Why sign-in discovery failed (unknown tenant, unreachable host, untrusted certificate), as an error to map. */
  explainSignInFailure(tenantId: string): Promise<Error>;
}

export interface AzureSessionFactory {
  create(cloud: ResolvedCloud, tenantId: string, clientId: string, material: CredentialMaterial): Promise<AzureSession>;
}

export class CredentialMissingError extends Error {}

export class SdkSessionFactory implements AzureSessionFactory {
  constructor(private readonly retry: RetrySettings = DEFAULT_RETRY, private readonly throttleSettings: ThrottleSettings = DEFAULT_THROTTLE) {}

  async create(cloud: ResolvedCloud, tenantId: string, clientId: string, material: CredentialMaterial): Promise<AzureSession> {
    const ca = cloud.caFile ? await readCa(cloud.caFile) : undefined;
    // The extra CA as one prebuilt secureContext, not a `ca` option: https.Agent joins `ca` (the ~140 public roots
    // too) into its pool key on every request and builds a context per socket, milliseconds each (bench-scale.ts).
    const agent = new https.Agent({ keepAlive: true, maxSockets: 16, ...(ca ? { secureContext: tls.createSecureContext({ ca: [...tls.rootCertificates, ca] }) } : {}) });
    // One throttle state per session: every client and the credential add the same policy (additionalPolicies is
    // read by core-client's ServiceClient, which identity and the track 2 clients extend, and by the modular
    // clients' getClient alike).
    const throttle = new ThrottleState(this.throttleSettings);
    const additionalPolicies = throttlingPolicies(throttle);
    const credOptions = { authorityHost: cloud.authorityHost, disableInstanceDiscovery: cloud.name === 'Custom', agent, additionalPolicies };
    let credential: TokenCredential;
    if (material.credential) {
      credential = material.credential;
    } else if (material.certificatePem) {
      credential = new ClientCertificateCredential(tenantId, clientId, { certificate: material.certificatePem }, credOptions);
    } else if (material.secret) {
      credential = new ClientSecretCredential(tenantId, clientId, material.secret, credOptions);
    } else {
      throw new CredentialMissingError('no credential');
    }
    const options = { endpoint: cloud.armEndpoint, credentialScopes: [cloud.armScope], agent, retryOptions: this.retry, additionalPolicies };
    // The modular clients (arm-storage 20, arm-keyvault 5) name the scope differently and silently ignore
    // credentialScopes: without this they would ask for "<endpoint>/.default".
    const modular = { endpoint: cloud.armEndpoint, credentials: { scopes: [cloud.armScope] }, agent, retryOptions: this.retry, additionalPolicies };
    return {
      cloud,
      credential,
      throttle,
      subscriptions: () => new SubscriptionClient(credential, options),
      resources: (s) => new ResourceManagementClient(credential, s, options),
      authorization: (s) => new AuthorizationManagementClient(credential, s, options),
      security: (s) => new SecurityCenter(credential, s, options),
      storage: (s) => new StorageManagementClient(credential, s, modular),
      keyVault: (s) => new KeyVaultManagementClient(credential, s, modular),
      network: (s) => new NetworkManagementClient(credential, s, options),
      managementGroups: () => new ManagementGroupsAPI(credential, options),
      // The GA api-version of the query API (the SDK's default is a preview).
      resourceGraph: () => new ResourceGraphClient(credential, { ...options, apiVersion: RESOURCE_GRAPH_API_VERSION }),
      explainSignInFailure: (t) => explainDiscoveryFailure(cloud.authorityHost, t, agent),
    };
  }
}

async function readCa(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`The CA file ${file} configured for this cloud cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}
