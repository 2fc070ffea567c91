/**
 * Small helpers shared by the ARM and Entra ID routes: app lookup, object ids, subscription access.
 */
import type { EmulatorState, RequestContext } from './http';
import { stableGuid } from './http';
import type { ScenarioApp, ScenarioSubscription } from './scenario';

export function findApp(state: EmulatorState, clientId: string | undefined): ScenarioApp | undefined {
  if (!clientId) return undefined;
  const id = clientId.toLowerCase();
  return state.scenario.apps.find((a) => a.clientId.toLowerCase() === id);
}

/** The app's service principal object id: the scenario's, or a stable one derived from the client id. */
export function objectIdOf(app: ScenarioApp): string {
  return app.objectId ?? stableGuid(`sp:${app.clientId.toLowerCase()}`);
}

export function findSubscription(state: EmulatorState, id: string): ScenarioSubscription | undefined {
  const want = id.toLowerCase();
  return state.scenario.subscriptions.find((s) => s.id.toLowerCase() === want);
}

/** Whether the app may read the subscription ("*" or absent `subscriptions` means all). */
export function canRead(app: ScenarioApp | undefined, subscriptionId: string): boolean {
  if (!app) return false;
  const allowed = app.subscriptions;
  if (allowed === undefined || allowed === '*') return true;
  const want = subscriptionId.toLowerCase();
  return allowed.some((s) => s === '*' || s.toLowerCase() === want);
}

/** ARM's AuthorizationFailed message, naming the caller's object id. */
export function authorizationFailedMessage(ctx: RequestContext, action: string, scope: string): string {
  const app = findApp(ctx.state, ctx.clientId);
  const oid = app ? objectIdOf(app) : '00000000-0000-0000-0000-000000000000';
  return (
    `The client '${oid}' with object id '${oid}' does not have authorization to perform action '${action}' ` +
    `over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`
  );
}

/**
 * A scenario item as ARM serves it: `id` and `type` filled in from where it lives, every other field as given
 * (so a field the scenario leaves out is absent on the wire, as in real payloads). `resourceGroup`, `keys` and
 * `secrets` are scenario bookkeeping and not served.
 */
export function wireResource(parentId: string, type: string, item: { name: string; [k: string]: unknown }): Record<string, unknown> {
  const { resourceGroup: _rg, keys: _k, secrets: _s, ...rest } = item;
  return { ...rest, id: `${parentId}/${type.split('/').pop()}/${item.name}`, name: item.name, type };
}

/** The id of a resource group's provider namespace, e.g. /subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage. */
export function providerPrefix(subscriptionId: string, resourceGroup: string, namespace: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${namespace}`;
}
