/**
 * Resource ids as Azure Resource Manager builds them, shared by the ARM template evaluator (arm-expr.ts) and the
 * Bicep evaluator (bicep/functions.ts) so both formats turn `subscriptionResourceId(...)`, `resourceId(...)`,
 * `subscription().id`... into the same strings.
 *
 * What only the deployment knows keeps a placeholder: the deployment-scope functions give ids such as
 * `/subscriptions/{subscriptionId}` (their shape, hence their scope level, is known), and an argument that is not
 * known statically becomes `{its source}` in a symbolic id (see `BuiltId.known`).
 */

/** One argument: a known string, or a runtime value shown by its source text. */
export type IdPart = string | { symbolic: string };

/** An id built from parts: `known` is false when some part was symbolic (then `text` shows it as `{source}`). */
export interface BuiltId { text: string; known: boolean }

/**
 * The longest symbolic text kept: strings built around runtime values can double at each step (`concat(v, v)` in a
 * chain of variables), so beyond this they stay plain unknown values.
 */
export const MAX_SYMBOLIC = 4096;

/** The resource-id functions, by lower-cased name (Bicep and ARM spell them alike, case-insensitively). */
export type ResourceIdFunction = 'resourceid' | 'subscriptionresourceid' | 'tenantresourceid' | 'managementgroupresourceid' | 'extensionresourceid';

const FUNCTIONS = new Set<string>(['resourceid', 'subscriptionresourceid', 'tenantresourceid', 'managementgroupresourceid', 'extensionresourceid']);

/** Whether `name` (any case) is one of the resource-id functions. */
export function isResourceIdFunction(name: string): name is ResourceIdFunction {
  return FUNCTIONS.has(name.toLowerCase());
}

const SUBSCRIPTION_ID = '{subscriptionId}';
const RESOURCE_GROUP = '{resourceGroupName}';
const MANAGEMENT_GROUP = '{managementGroupName}';

/** A resource type argument: Provider.Namespace/type[/child...]. */
const TYPE = /^[A-Za-z0-9]+(\.[A-Za-z0-9]+)+\/./;

/**
 * The id a resource-id function returns for these arguments, or undefined when the arguments do not fit (no
 * resource type among them, too few arguments, the type itself not known).
 */
export function buildResourceId(fn: string, args: readonly IdPart[]): BuiltId | undefined {
  const name = fn.toLowerCase();
  if (!FUNCTIONS.has(name)) return undefined;
  const text = (p: IdPart) => (typeof p === 'string' ? p : symbolic(p.symbolic));
  const known = args.every((p) => typeof p === 'string');
  const built = (s: string): BuiltId | undefined => (known || s.length <= MAX_SYMBOLIC ? { text: s, known } : undefined);
  if (name === 'extensionresourceid') {
    if (args.length < 3 || typeof args[1] !== 'string') return undefined;
    return built(`${text(args[0])}/providers/${interleave(args[1], args.slice(2).map(text))}`);
  }
  // The type is the first argument shaped like Provider.Namespace/type; what comes before it are scope ids.
  const t = args.findIndex((x) => typeof x === 'string' && TYPE.test(x));
  if (t < 0) return undefined;
  const before = args.slice(0, t).map(text);
  const tail = interleave(args[t] as string, args.slice(t + 1).map(text));
  switch (name) {
    case 'tenantresourceid': return built(`/providers/${tail}`);
    case 'managementgroupresourceid': return built(`${managementGroupId(before[0] ?? MANAGEMENT_GROUP)}/providers/${tail}`);
    case 'subscriptionresourceid': return built(`/subscriptions/${before[0] ?? SUBSCRIPTION_ID}/providers/${tail}`);
    default: {
      const [sub, rg] = before.length >= 2 ? before : [SUBSCRIPTION_ID, before[0] ?? RESOURCE_GROUP];
      return built(`/subscriptions/${sub}/resourceGroups/${rg}/providers/${tail}`);
    }
  }
}

/**
 * The object a deployment-scope function returns, as far as its shape is known: `subscription()`,
 * `resourceGroup()`, `managementGroup()`, and Bicep's forms naming another scope (`subscription(subId)`,
 * `resourceGroup(rgName)`, `resourceGroup(subId, rgName)`, `managementGroup(name)`). Undefined for other functions
 * or arguments that do not fit. Properties not listed (location, tenantId...) stay runtime values.
 */
export function deploymentScopeObject(fn: string, args: readonly string[] = []): Record<string, string> | undefined {
  switch (fn.toLowerCase()) {
    case 'subscription': {
      if (args.length > 1) return undefined;
      const sub = args[0] ?? SUBSCRIPTION_ID;
      return { id: `/subscriptions/${sub}`, subscriptionId: sub };
    }
    case 'resourcegroup': {
      if (args.length > 2) return undefined;
      const [sub, rg] = args.length === 2 ? args : [SUBSCRIPTION_ID, args[0] ?? RESOURCE_GROUP];
      return { id: `/subscriptions/${sub}/resourceGroups/${rg}`, name: rg };
    }
    case 'managementgroup': {
      if (args.length > 1) return undefined;
      const mg = args[0] ?? MANAGEMENT_GROUP;
      return { id: managementGroupId(mg), name: mg };
    }
    default: return undefined;
  }
}

function managementGroupId(name: string): string {
  // managementGroupResourceId may be given a full management group id instead of its name.
  return name.startsWith('/') ? name : `/providers/Microsoft.Management/managementGroups/${name}`;
}

/** A runtime part: `{source}`, unless it is itself an id built here (starts with '/'), which is kept as it is. */
function symbolic(source: string): string {
  return source.startsWith('/') ? source : `{${source}}`;
}

/** Provider/typeA/typeB with names a, b → Provider/typeA/a/typeB/b. */
function interleave(type: string, names: string[]): string {
  const [provider, ...types] = type.split('/');
  return [provider, ...types.flatMap((t, i) => (names[i] !== undefined ? [t, names[i]] : [t]))].join('/');
}
