/**
 * Loading and checking a scenario (a JSON file or an object). Errors are one-line ScenarioError messages.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Scenario } from './scenario';
import { findRole } from './roles';

export class ScenarioError extends Error {}

export function loadScenario(source: Scenario | string): { scenario: Scenario; dir: string } {
  if (typeof source !== 'string') {
    validateScenario(source, 'scenario');
    return { scenario: source, dir: process.cwd() };
  }
  const file = resolve(source);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError(`cannot read scenario file ${file}${code ? ` (${code})` : ''}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`scenario file ${file} is not valid JSON: ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  validateScenario(parsed, `scenario file ${file}`);
  return { scenario: parsed as Scenario, dir: dirname(file) };
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function validateScenario(s: unknown, label: string): asserts s is Scenario {
  const fail = (what: string): never => {
    throw new ScenarioError(`${label}: ${what}`);
  };
  if (!isObj(s)) fail('must be a JSON object');
  const sc = s as Record<string, unknown>;
  if (!isObj(sc.tenant) || !isStr(sc.tenant.id)) fail('tenant.id is required');
  if (!Array.isArray(sc.apps)) fail('apps must be an array');
  if (!Array.isArray(sc.subscriptions)) fail('subscriptions must be an array');
  if (sc.pageSize !== undefined && (typeof sc.pageSize !== 'number' || sc.pageSize < 1)) fail('pageSize must be a positive number');
  if (sc.throttle !== undefined) {
    const t = sc.throttle as Record<string, unknown>;
    if (!isObj(t) || typeof t.burst !== 'number' || !(t.burst >= 1) || typeof t.refillPerSecond !== 'number' || !(t.refillPerSecond >= 0)) {
      fail('throttle must be {burst >= 1, refillPerSecond >= 0, retryAfter?: boolean}');
    }
  }
  if (sc.resourceGraphQuota !== undefined) {
    const q = sc.resourceGraphQuota as Record<string, unknown>;
    if (!isObj(q) || typeof q.queries !== 'number' || !(q.queries >= 1) || typeof q.windowSeconds !== 'number' || !(q.windowSeconds > 0)) {
      fail('resourceGraphQuota must be {queries >= 1, windowSeconds > 0, retryAfter?: boolean}');
    }
  }
  (sc.apps as unknown[]).forEach((a, i) => {
    if (!isObj(a) || !isStr(a.clientId)) fail(`apps[${i}].clientId is required`);
    const app = a as Record<string, unknown>;
    if (app.secretExpiresAt !== undefined && Number.isNaN(Date.parse(String(app.secretExpiresAt)))) {
      fail(`apps[${i}].secretExpiresAt is not a date`);
    }
    if (app.subscriptions !== undefined && app.subscriptions !== '*' && !Array.isArray(app.subscriptions)) {
      fail(`apps[${i}].subscriptions must be "*" or an array of subscription ids`);
    }
  });
  if (sc.managementGroups !== undefined) {
    if (!Array.isArray(sc.managementGroups)) fail('managementGroups must be an array');
    const ids = new Set((sc.managementGroups as unknown[]).map((g) => (isObj(g) && isStr(g.id) ? g.id.toLowerCase() : '')));
    (sc.managementGroups as unknown[]).forEach((g, i) => {
      if (!isObj(g) || !isStr(g.id)) fail(`managementGroups[${i}] needs an id`);
      const mg = g as Record<string, unknown>;
      if (mg.parent !== undefined && !(isStr(mg.parent) && ids.has(mg.parent.toLowerCase()))) fail(`managementGroups[${i}].parent is not one of the managementGroups`);
      if (mg.subscriptions !== undefined && !(Array.isArray(mg.subscriptions) && mg.subscriptions.every(isStr))) fail(`managementGroups[${i}].subscriptions must be an array of subscription ids`);
      checkInheritedAssignments(sc, mg.roleAssignments, `managementGroups[${i}].roleAssignments`, fail);
    });
  }
  checkInheritedAssignments(sc, sc.rootRoleAssignments, 'rootRoleAssignments', fail);
  if (sc.roleDefinitions !== undefined) {
    if (!Array.isArray(sc.roleDefinitions)) fail('roleDefinitions must be an array');
    (sc.roleDefinitions as unknown[]).forEach((r, i) => {
      if (!isObj(r) || !isStr(r.id) || !isStr(r.roleName)) fail(`roleDefinitions[${i}] needs id and roleName`);
      const rd = r as Record<string, unknown>;
      if (!Array.isArray(rd.actions) || !Array.isArray(rd.assignableScopes)) fail(`roleDefinitions[${i}] needs actions and assignableScopes arrays`);
    });
  }
  (sc.subscriptions as unknown[]).forEach((x, i) => {
    if (!isObj(x) || !isStr(x.id) || !isStr(x.displayName)) fail(`subscriptions[${i}] needs id and displayName`);
    const sub = x as Record<string, unknown>;
    const groups = sub.resourceGroups ?? [];
    if (!Array.isArray(groups)) fail(`subscriptions[${i}].resourceGroups must be an array`);
    (groups as unknown[]).forEach((g, j) => {
      if (!isObj(g) || !isStr(g.name) || !isStr(g.location)) fail(`subscriptions[${i}].resourceGroups[${j}] needs name and location`);
    });
    const groupNames = new Set((groups as { name?: string }[]).map((g) => String(g.name).toLowerCase()));
    for (const field of ['storageAccounts', 'keyVaults', 'publicIpAddresses'] as const) {
      const items = sub[field] ?? [];
      if (!Array.isArray(items)) fail(`subscriptions[${i}].${field} must be an array`);
      (items as unknown[]).forEach((r, j) => {
        if (!isObj(r) || !isStr(r.name) || !isStr(r.resourceGroup)) fail(`subscriptions[${i}].${field}[${j}] needs name and resourceGroup`);
        if (!groupNames.has(String((r as Record<string, unknown>).resourceGroup).toLowerCase())) {
          fail(`subscriptions[${i}].${field}[${j}].resourceGroup '${(r as Record<string, unknown>).resourceGroup}' is not one of the subscription's resourceGroups`);
        }
      });
    }
    for (const field of ['secureScores', 'secureScoreControls'] as const) {
      const items = sub[field] ?? [];
      if (!Array.isArray(items) || (items as unknown[]).some((x) => !isObj(x) || !isStr(x.name))) fail(`subscriptions[${i}].${field} must be an array of items with a name`);
    }
    const ras = sub.roleAssignments ?? [];
    if (!Array.isArray(ras)) fail(`subscriptions[${i}].roleAssignments must be an array`);
    (ras as unknown[]).forEach((r, j) => {
      if (!isObj(r) || !isStr(r.principalId) || !isStr(r.role)) fail(`subscriptions[${i}].roleAssignments[${j}] needs principalId and role`);
      if (!findRole(sc as unknown as Scenario, (r as Record<string, string>).role)) {
        fail(`subscriptions[${i}].roleAssignments[${j}].role '${(r as Record<string, string>).role}' is neither a built-in role of the emulator nor in roleDefinitions`);
      }
    });
  });
}

/** Role assignments above the subscriptions (a management group's, the tenant root's): each names a principal and a known role. */
function checkInheritedAssignments(sc: Record<string, unknown>, ras: unknown, where: string, fail: (what: string) => never): void {
  if (ras === undefined) return;
  if (!Array.isArray(ras)) fail(`${where} must be an array`);
  (ras as unknown[]).forEach((r, j) => {
    if (!isObj(r) || !isStr(r.principalId) || !isStr(r.role)) fail(`${where}[${j}] needs principalId and role`);
    const role = (r as Record<string, string>).role;
    if (!findRole(sc as unknown as Scenario, role)) fail(`${where}[${j}].role '${role}' is neither a built-in role of the emulator nor in roleDefinitions`);
  });
}
