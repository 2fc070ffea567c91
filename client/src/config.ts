import * as vscode from 'vscode';

/**
 * The extension's settings. None needs a daemon restart: `rampart.trace.server` is read by the language client
 * itself, and `rampart.clouds` is only read when the connect flow offers its cloud list.
 */
export const SECTION = 'rampart';

/** One entry of `rampart.clouds`: a named custom cloud (sovereign, private endpoint, local emulator). */
export interface NamedCloud {
  name: string;
  authorityHost: string;
  armEndpoint: string;
  caFile?: string;
  /** The VS Code authentication provider for "Microsoft account" connections (default microsoft-sovereign-cloud). */
  authProvider?: string;
}

/** The valid entries of `rampart.clouds`; malformed entries are skipped and reported to the log by the caller. */
export function customClouds(): { clouds: NamedCloud[]; invalid: number } {
  const raw = vscode.workspace.getConfiguration(SECTION).get<unknown>('clouds', []);
  const clouds: NamedCloud[] = [];
  let invalid = 0;
  for (const entry of Array.isArray(raw) ? raw : []) {
    const e = entry as Partial<NamedCloud> | null;
    if (e && typeof e.name === 'string' && isHttpsUrl(e.authorityHost) && isHttpsUrl(e.armEndpoint)) {
      clouds.push({
        name: e.name,
        authorityHost: e.authorityHost,
        armEndpoint: e.armEndpoint,
        caFile: typeof e.caFile === 'string' && e.caFile ? e.caFile : undefined,
        ...(typeof e.authProvider === 'string' && e.authProvider ? { authProvider: e.authProvider } : {}),
      });
    } else {
      invalid++;
    }
  }
  return { clouds, invalid };
}

/**
 * The settings the daemon uses (sent as initializationOptions at start; later changes reach it through
 * workspace/didChangeConfiguration, after which it reads the section again).
 */
export function daemonSettings(): { staleAfter?: string; retentionDays?: number; gracePeriodDays?: number; sync?: { schedule?: string; resourceGraphThreshold?: number } } {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    staleAfter: c.get<string>('staleAfter'), retentionDays: c.get<number>('retentionDays'), gracePeriodDays: c.get<number>('gracePeriodDays'),
    sync: { schedule: c.get<string>('sync.schedule'), resourceGraphThreshold: c.get<number>('sync.resourceGraphThreshold') },
  };
}

export function isHttpsUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}
