/**
 * The settings a headless run takes from the environment (the editor's come from rampart.* settings instead):
 * RAMPART_STALE_AFTER, RAMPART_RETENTION_DAYS, RAMPART_GRACE_PERIOD_DAYS, RAMPART_FRAMEWORK and
 * RAMPART_RESOURCE_GRAPH_THRESHOLD. Used by every CLI command on the store and by `rampart daemon`.
 */
import type { DaemonSettings } from '../protocol';

export function envSettings(staleAfter?: string, env: NodeJS.ProcessEnv = process.env): DaemonSettings {
  return {
    staleAfter: staleAfter ?? env.RAMPART_STALE_AFTER,
    retentionDays: env.RAMPART_RETENTION_DAYS ? Number(env.RAMPART_RETENTION_DAYS) : undefined,
    gracePeriodDays: env.RAMPART_GRACE_PERIOD_DAYS ? Number(env.RAMPART_GRACE_PERIOD_DAYS) : undefined,
    framework: env.RAMPART_FRAMEWORK,
    sync: { resourceGraphThreshold: env.RAMPART_RESOURCE_GRAPH_THRESHOLD || undefined },
  };
}
