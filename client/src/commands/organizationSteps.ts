import type * as vscode from 'vscode';
import type { NewOrganizationParams, OrganizationNode } from '../../../server/src/protocol';
import type { Step } from './multiStepInput';

/** An organization as the prompts offer it: its id, its path from the root ("Group / Subsidiary"), its domain. */
export interface OrgOption { id: string; name: string; path: string; primaryDomain?: string }

/** The tree, flattened parents first, each with its path. */
export function orgOptions(roots: OrganizationNode[]): OrgOption[] {
  const out: OrgOption[] = [];
  const walk = (n: OrganizationNode, above: string[]) => {
    const path = [...above, n.name];
    out.push({ id: n.id, name: n.name, path: path.join(' / '), primaryDomain: n.primaryDomain });
    for (const c of n.children) walk(c, path);
  };
  for (const r of roots) walk(r, []);
  return out;
}

/** The state the organization steps fill in (part of the connect flow's state, or on its own). */
export interface OrgState {
  parentItem?: ParentItem;
  newParentName: string;
  orgName: string;
  orgDomain: string;
  orgDescription: string;
  visibilityItem?: VisibilityItem;
}

export const emptyOrgState = (): OrgState => ({ newParentName: '', orgName: '', orgDomain: '', orgDescription: '' });

/** What the user chose: the organization to create, under an existing parent, a new parent, or at the top. */
export interface OrgChoice {
  organization: NewOrganizationParams;
  /** A parent organization to create first (the new organization goes under it). */
  newParent?: string;
}

interface ParentItem extends vscode.QuickPickItem { kind2: 'none' | 'top' | 'new' | 'under'; org?: OrgOption }
interface VisibilityItem extends vscode.QuickPickItem { visibility: 'private' | 'shared' }

export interface OrgStepsOptions<S> {
  title: string;
  /** Step number of the first organization step, and the flow's total. */
  firstStep: number;
  totalSteps: number;
  orgs: OrgOption[];
  /** Offer "No organization" (the connect flow: publishing is optional). */
  allowNone: boolean;
  /** A parent already chosen (Create Organization on a tree item): the parent step is skipped. */
  parent?: OrgOption;
  /** The name Enter accepts on an empty name box, from what the flow knows so far. */
  defaultName(state: S): string;
  /** The domain Enter accepts on an empty domain box when the parent has none. */
  defaultDomain?(state: S): string | undefined;
}

export const NONE_LABEL = 'No organization';
export const TOP_LABEL = 'Top-level organization';
export const NEW_PARENT_LABEL = 'Under a new parent organization...';
/** A DNS domain name (contoso.com): the organization's domain, or a tenant given by its domain. */
export const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/**
 * The organization prompts, in order: parent (none, top level, under an existing one, or under a new one whose name
 * comes next), name, primary domain, description, visibility. Name and domain show their default as the placeholder;
 * Enter on an empty box takes it. The real-editor test answers them in this order.
 */
export function organizationSteps<S extends OrgState>(o: OrgStepsOptions<S>): Step<S> {
  const taken = new Set(o.orgs.map((x) => x.name.toLowerCase()));
  const parentOf = (s: S) => o.parent ?? s.parentItem?.org;
  const domainDefault = (s: S) => parentOf(s)?.primaryDomain ?? o.defaultDomain?.(s);
  const step = (n: number) => o.firstStep + n;

  const visibilityStep: Step<S> = async (input, s) => {
    const items: VisibilityItem[] = [
      { label: 'Private', description: 'only this store\'s users see it', visibility: 'private' },
      { label: 'Shared', description: 'may be shared with the parent organization\'s team', visibility: 'shared' },
    ];
    s.visibilityItem = await input.showQuickPick({
      title: o.title, step: step(4), totalSteps: o.totalSteps, items, active: items.find((i) => i.label === s.visibilityItem?.label),
      placeholder: 'Visibility of the organization',
    });
  };
  const descriptionStep: Step<S> = async (input, s) => {
    s.orgDescription = await input.showInputBox({
      title: o.title, step: step(3), totalSteps: o.totalSteps, value: s.orgDescription,
      prompt: 'Description of the organization (optional)', placeholder: 'Description (optional)',
    });
    return visibilityStep;
  };
  const domainStep: Step<S> = async (input, s) => {
    const fallback = domainDefault(s);
    s.orgDomain = await input.showInputBox({
      title: o.title, step: step(2), totalSteps: o.totalSteps, value: s.orgDomain,
      prompt: `Primary domain of the organization${fallback ? ` (Enter for ${fallback})` : ' (optional)'}`,
      placeholder: fallback ?? 'contoso.com (optional)',
      validate: (v) => (!v.trim() || DOMAIN.test(v.trim()) ? undefined : `'${v.trim()}' is not a domain such as contoso.com.`),
    });
    return descriptionStep;
  };
  const nameStep: Step<S> = async (input, s) => {
    const fallback = o.defaultName(s);
    s.orgName = await input.showInputBox({
      title: o.title, step: step(1), totalSteps: o.totalSteps, value: s.orgName,
      prompt: `Name of the organization (Enter for '${fallback}')`, placeholder: fallback,
      validate: (v) => {
        const name = v.trim() || fallback;
        if (name.length > 100) return 'Use at most 100 characters.';
        if (taken.has(name.toLowerCase()) || name.toLowerCase() === s.newParentName.trim().toLowerCase()) return `An organization named '${name}' already exists.`;
        return undefined;
      },
    });
    return domainStep;
  };
  const newParentStep: Step<S> = async (input, s) => {
    s.newParentName = await input.showInputBox({
      title: o.title, step: step(0), totalSteps: o.totalSteps, value: s.newParentName,
      prompt: 'Name of the new parent organization, e.g. Contoso, Inc.', placeholder: 'Parent organization name',
      validate: (v) => {
        const name = v.trim();
        if (!name) return 'Enter a name for the parent organization.';
        return taken.has(name.toLowerCase()) ? `An organization named '${name}' already exists: pick it from the list instead.` : undefined;
      },
    });
    return nameStep;
  };
  const parentStep: Step<S> = async (input, s) => {
    const items: ParentItem[] = [
      ...(o.allowNone ? [{ label: NONE_LABEL, description: 'do not publish these assets as an organization', kind2: 'none' as const }] : []),
      { label: TOP_LABEL, description: 'no parent', kind2: 'top' },
      ...o.orgs.map((org): ParentItem => ({ label: `Under ${org.path}`, description: org.primaryDomain, kind2: 'under', org })),
      { label: NEW_PARENT_LABEL, description: 'create the parent too', kind2: 'new' },
    ];
    s.parentItem = await input.showQuickPick({
      title: o.title, step: step(0), totalSteps: o.totalSteps, items, active: items.find((i) => i.label === s.parentItem?.label),
      placeholder: o.allowNone ? 'Publish these Azure assets as an organization? Choose its parent' : 'Parent of the new organization',
    });
    if (s.parentItem.kind2 === 'none') return;
    return s.parentItem.kind2 === 'new' ? newParentStep : nameStep;
  };
  return o.parent ? nameStep : parentStep;
}

/** The organization the steps describe, or undefined when the user chose none. */
export function orgChoice<S extends OrgState>(s: S, o: Pick<OrgStepsOptions<S>, 'parent' | 'defaultName' | 'defaultDomain'>): OrgChoice | undefined {
  const kind = o.parent ? 'under' : s.parentItem?.kind2;
  if (!kind || kind === 'none') return undefined;
  const parent = o.parent ?? s.parentItem?.org;
  const primaryDomain = s.orgDomain.trim() || parent?.primaryDomain || o.defaultDomain?.(s);
  const description = s.orgDescription.trim();
  return {
    organization: {
      name: s.orgName.trim() || o.defaultName(s),
      ...(kind === 'under' && parent ? { parent: parent.id } : {}),
      ...(primaryDomain ? { primaryDomain } : {}),
      ...(description ? { description } : {}),
      visibility: s.visibilityItem?.visibility ?? 'private',
    },
    ...(kind === 'new' ? { newParent: s.newParentName.trim() } : {}),
  };
}
