/**
 * Settings the core needs from its host: the stale threshold, the retention of revoked connections, the grace
 * period of new assets. The extension sends its `rampart.*` settings; the CLI takes flags or environment variables.
 */
import type { DaemonSettings } from '../protocol';
import { DEFAULT_STALE_AFTER_MS } from '../evidence/coverage';
import { DEFAULT_FRAMEWORK } from '../evidence/catalog';
import { frameworkIds } from '../evidence/controls';

export interface ServiceSettings {
  staleAfterMs: number;
  retentionDays: number;
  gracePeriodDays: number;
  /** Cadence of the daemon's scheduled syncs (`rampart.sync.schedule`). */
  schedule: Schedule;
  /** The framework grades are weighted by (`rampart.framework`), a catalog framework id. */
  framework: string;
  /** Above this many subscriptions a connection syncs through Azure Resource Graph (`rampart.sync.resourceGraphThreshold`). */
  resourceGraphThreshold: number;
}

export class SettingsError extends Error {}

export type Schedule = { kind: 'off' } | { kind: 'every'; intervalMs: number; label: string };

const HOUR = 3_600_000;
export const DEFAULT_SCHEDULE = 'daily';
export const DEFAULT_RESOURCE_GRAPH_THRESHOLD = 50;

/** "off", "daily" or "every-N-hours" (N from 1 to 24). */
export function parseSchedule(value: string): Schedule {
  const v = value.trim().toLowerCase();
  if (v === 'off') return { kind: 'off' };
  if (v === 'daily') return { kind: 'every', intervalMs: 24 * HOUR, label: 'daily' };
  const m = /^every-(\d+)-hours?$/.exec(v);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 1 && n <= 24)) throw new SettingsError(`'${value}' is not a schedule: use off, daily or every-N-hours (N from 1 to 24), e.g. every-6-hours.`);
  return { kind: 'every', intervalMs: n * HOUR, label: `every ${n} hour${n === 1 ? '' : 's'}` };
}

export function describeSchedule(s: Schedule): string {
  return s.kind === 'off' ? 'off' : s.label;
}

export const DEFAULT_SETTINGS: ServiceSettings = {
  staleAfterMs: DEFAULT_STALE_AFTER_MS, retentionDays: 365, gracePeriodDays: 60, schedule: parseSchedule(DEFAULT_SCHEDULE),
  framework: DEFAULT_FRAMEWORK, resourceGraphThreshold: DEFAULT_RESOURCE_GRAPH_THRESHOLD,
};

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "2d", "36h", "90m" or a plain number of days, in milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!(value > 0)) throw new SettingsError(`A duration must be positive (got ${value}).`);
    return value * UNIT_MS.d;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([mhd]?)\s*$/i.exec(value);
  if (!m || !(Number(m[1]) > 0)) throw new SettingsError(`'${value}' is not a duration: use e.g. 2d, 36h or 90m.`);
  return Number(m[1]) * UNIT_MS[(m[2] || 'd').toLowerCase()];
}

/** Applies the settings a host sent over `base`; a missing or invalid value keeps the base value and is reported. */
export function applySettings(base: ServiceSettings, input: DaemonSettings | undefined, warn: (m: string) => void = () => undefined): ServiceSettings {
  const out = { ...base };
  if (!input) return out;
  try {
    if (input.staleAfter !== undefined && input.staleAfter !== null && input.staleAfter !== '') out.staleAfterMs = parseDuration(input.staleAfter);
  } catch (e) {
    warn(`rampart.staleAfter: ${(e as Error).message}`);
  }
  const schedule = input.sync?.schedule;
  if (schedule !== undefined && schedule !== null && schedule !== '') {
    try {
      out.schedule = parseSchedule(String(schedule));
    } catch (e) {
      warn(`rampart.sync.schedule: ${(e as Error).message}`);
    }
  }
  const framework = input.framework;
  if (framework !== undefined && framework !== null && framework !== '') {
    if (frameworkIds().includes(String(framework))) out.framework = String(framework);
    else warn(`rampart.framework: '${framework}' is not a framework: use ${frameworkIds().join(' or ')}.`);
  }
  const threshold = input.sync?.resourceGraphThreshold;
  if (threshold !== undefined && threshold !== null && String(threshold).trim() !== '') {
    const n = Number(threshold);
    if (Number.isInteger(n) && n >= 0) out.resourceGraphThreshold = n;
    else warn(`rampart.sync.resourceGraphThreshold: '${threshold}' is not a whole number of subscriptions (0 or more).`);
  }
  for (const key of ['retentionDays', 'gracePeriodDays'] as const) {
    const v = input[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'number' && v >= 0) out[key] = v;
    else warn(`rampart.${key}: '${v}' is not a number of days.`);
  }
  return out;
}
