/**
 * The clouds a connection can name. Built-in clouds carry their public endpoints; a custom cloud brings its own
 * authority host and ARM endpoint (a private or sovereign endpoint, or a local emulator: nothing here knows which).
 */
import type { CloudConfig, CloudName } from '../protocol';

export interface ResolvedCloud {
  name: CloudName;
  authorityHost: string;
  armEndpoint: string;
  /** The OAuth scope for ARM tokens. */
  armScope: string;
  caFile?: string;
  /** The VS Code authentication provider of a 'microsoft-account' connection on this cloud. */
  authProvider: string;
}

const BUILT_IN: Record<Exclude<CloudName, 'Custom'>, { authorityHost: string; armEndpoint: string; title: string }> = {
  AzureCloud: { authorityHost: 'https://login.microsoftonline.com', armEndpoint: 'https://management.azure.com', title: 'Azure' },
  AzureUSGovernment: { authorityHost: 'https://login.microsoftonline.us', armEndpoint: 'https://management.usgovcloudapi.net', title: 'Azure US Government' },
  AzureChinaCloud: { authorityHost: 'https://login.chinacloudapi.cn', armEndpoint: 'https://management.chinacloudapi.cn', title: 'Azure China (21Vianet)' },
};

/**
 * VS Code's provider for clouds other than the public one: it reads the cloud's endpoints from the
 * `microsoft-sovereign-cloud.environment` (or customEnvironment) setting. A custom cloud may name its own provider.
 */
const SOVEREIGN_PROVIDER = 'microsoft-sovereign-cloud';

export const BUILT_IN_CLOUDS = Object.keys(BUILT_IN) as Exclude<CloudName, 'Custom'>[];

export class CloudConfigError extends Error {}

export function resolveCloud(cloud: CloudConfig | undefined): ResolvedCloud {
  const name = cloud?.name ?? 'AzureCloud';
  if (name !== 'Custom') {
    const known = BUILT_IN[name];
    if (!known) throw new CloudConfigError(`Unknown cloud '${name}': use AzureCloud, AzureUSGovernment, AzureChinaCloud or a custom cloud.`);
    const authProvider = name === 'AzureCloud' ? 'microsoft' : SOVEREIGN_PROVIDER;
    return { name, authorityHost: known.authorityHost, armEndpoint: known.armEndpoint, armScope: known.armEndpoint + '/.default', caFile: cloud?.caFile, authProvider };
  }
  const authorityHost = httpsUrl(cloud?.authorityHost, 'authority host');
  const armEndpoint = httpsUrl(cloud?.armEndpoint, 'ARM endpoint');
  const authProvider = cloud?.authProvider?.trim() || SOVEREIGN_PROVIDER;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(authProvider)) throw new CloudConfigError(`'${authProvider}' is not an authentication provider id (letters, digits, . _ -).`);
  return { name, authorityHost, armEndpoint, armScope: armEndpoint + '/.default', caFile: cloud?.caFile, authProvider };
}

export function cloudTitle(cloud: CloudConfig | undefined): string {
  const name = cloud?.name ?? 'AzureCloud';
  return name === 'Custom' ? `custom cloud ${cloud?.armEndpoint ?? ''}`.trim() : BUILT_IN[name]?.title ?? name;
}

function httpsUrl(value: string | undefined, what: string): string {
  if (!value) throw new CloudConfigError(`A custom cloud needs an ${what} (an https:// URL).`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CloudConfigError(`The ${what} '${value}' is not a URL.`);
  }
  if (url.protocol !== 'https:') throw new CloudConfigError(`The ${what} '${value}' must use https://: the Azure SDK refuses plain http.`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}
