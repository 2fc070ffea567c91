import * as vscode from 'vscode';
import {
  AttachConnection, CreateOrganization, DeleteOrganization, Organizations, UpdateOrganization,
  type AttachConnectionResult, type NewOrganizationParams, type OrganizationNode, type OrganizationView, type UpdateOrganizationParams,
} from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { ActionableError, UserCancelledError } from '../errors';
import { showInfo } from '../notify';
import type { ConnectionsNode } from '../views/connections';
import type { OrgTreeNode } from '../views/organizations';
import type { Command } from './manager';
import { MultiStepInput } from './multiStepInput';
import { type OrgChoice, type OrgOption, type OrgState, emptyOrgState, orgChoice, orgOptions, organizationSteps } from './organizationSteps';
import { findConnection, listConnections, pickConnection } from './pick';

/** Creates what the organization steps describe: the new parent first when there is one. */
export async function createChosenOrganization(ctx: Ctx, choice: OrgChoice): Promise<OrganizationView> {
  let parent = choice.organization.parent;
  if (choice.newParent) {
    const p = await ctx.request(CreateOrganization.type, {
      name: choice.newParent, primaryDomain: choice.organization.primaryDomain, visibility: choice.organization.visibility,
    });
    parent = p.id;
  }
  return ctx.request(CreateOrganization.type, { ...choice.organization, ...(parent ? { parent } : {}) });
}

async function tree(ctx: Ctx): Promise<OrganizationNode[]> {
  return ctx.request(Organizations.type, {});
}

/** The organization a command acts on: the tree item it was run on, `{ organization }` (automation), or a pick. */
async function organizationOf(ctx: Ctx, arg: unknown, placeHolder: string): Promise<OrgOption> {
  const options = orgOptions(await tree(ctx));
  const a = arg as (OrgTreeNode & { org?: OrganizationNode }) | { organization?: string } | undefined;
  const id = a && 'kind' in a && a.kind === 'org' ? a.org.id : a && 'organization' in a ? a.organization : undefined;
  if (id !== undefined) {
    const found = options.find((o) => o.id === id || o.name.toLowerCase() === String(id).toLowerCase());
    if (!found) throw new ActionableError(`There is no organization '${id}'. It may have been deleted: refresh the Organizations view.`);
    return found;
  }
  if (!options.length) {
    throw new ActionableError("No organization yet: run 'Rampart: Create Organization'.", [{ title: 'Create Organization', command: 'rampart.createOrganization' }]);
  }
  const chosen = await vscode.window.showQuickPick(options.map((o) => ({ label: o.path, description: o.primaryDomain, o })), { placeHolder, ignoreFocusOut: true });
  if (!chosen) throw new UserCancelledError(placeHolder);
  return chosen.o;
}

/**
 * `rampart.createOrganization`: a new organization, at the top or under a parent (the tree item it was run on);
 * `NewOrganizationParams` as the argument skips the prompts (automation, tests).
 */
export class CreateOrganizationCommand implements Command {
  readonly id = 'rampart.createOrganization';

  constructor(private readonly ctx: Ctx) {}

  async execute(arg?: unknown): Promise<OrganizationView> {
    const a = arg as { name?: unknown } | undefined;
    if (a && typeof a.name === 'string' && !('kind' in a)) {
      const created = await this.ctx.request(CreateOrganization.type, a as NewOrganizationParams);
      showInfo(`Created organization '${created.name}'.`);
      return created;
    }
    const orgs = orgOptions(await tree(this.ctx));
    const node = arg as OrgTreeNode | undefined;
    const parent = node?.kind === 'org' ? orgs.find((o) => o.id === node.org.id) : undefined;
    const defaults = { parent, defaultName: () => (parent ? `${parent.name} Azure` : 'New organization') };
    const s = await MultiStepInput.run<OrgState>(
      organizationSteps<OrgState>({ title: 'Create Organization', firstStep: 1, totalSteps: parent ? 4 : 5, orgs, allowNone: false, ...defaults }),
      emptyOrgState(),
    );
    const choice = orgChoice(s, defaults);
    if (!choice) throw new UserCancelledError();
    const created = await createChosenOrganization(this.ctx, choice);
    showInfo(`Created organization '${created.name}'.`);
    return created;
  }
}

/**
 * `rampart.editOrganization`: name, domain, description, visibility and parent, each prefilled; only what changed is
 * sent. `UpdateOrganizationParams` as the argument skips the prompts.
 */
export class EditOrganizationCommand implements Command {
  readonly id = 'rampart.editOrganization';

  constructor(private readonly ctx: Ctx) {}

  async execute(arg?: unknown): Promise<OrganizationView> {
    const a = arg as Partial<UpdateOrganizationParams> | undefined;
    if (a && typeof a.organization === 'string' && Object.keys(a).length > 1) return this.ctx.request(UpdateOrganization.type, a as UpdateOrganizationParams);
    const roots = await tree(this.ctx);
    const target = await organizationOf(this.ctx, arg, 'Edit which organization?');
    const node = flatten(roots).find((n) => n.id === target.id)!;
    const ask = async (prompt: string, value: string | undefined, validate?: (v: string) => string | undefined) => {
      const v = await vscode.window.showInputBox({ title: `Edit ${node.name}`, prompt, value: value ?? '', ignoreFocusOut: true, validateInput: validate });
      if (v === undefined) throw new UserCancelledError(prompt);
      return v.trim();
    };
    const name = await ask('Name', node.name, (v) => (v.trim() ? undefined : 'An organization needs a name.'));
    const primaryDomain = await ask('Primary domain (empty: none)', node.primaryDomain);
    const description = await ask('Description (empty: none)', node.description);
    const visibility = await vscode.window.showQuickPick(['private', 'shared'], { title: `Edit ${node.name}`, placeHolder: `Visibility (now ${node.visibility})`, ignoreFocusOut: true });
    if (!visibility) throw new UserCancelledError('Visibility');
    // A node cannot move under itself or its subsidiaries: they are not offered.
    const below = new Set(flatten([node]).map((n) => n.id));
    const parents = [{ label: 'Top level', id: null as string | null }, ...orgOptions(roots).filter((o) => !below.has(o.id)).map((o) => ({ label: o.path, id: o.id as string | null }))];
    const parent = await vscode.window.showQuickPick(parents, { title: `Edit ${node.name}`, placeHolder: 'Parent organization', ignoreFocusOut: true });
    if (!parent) throw new UserCancelledError('Parent');
    const p: UpdateOrganizationParams = { organization: node.id };
    if (name !== node.name) p.name = name;
    if (primaryDomain !== (node.primaryDomain ?? '')) p.primaryDomain = primaryDomain || null;
    if (description !== (node.description ?? '')) p.description = description || null;
    if (visibility !== node.visibility) p.visibility = visibility as 'private' | 'shared';
    if (parent.id !== (node.parentId ?? null)) p.parent = parent.id;
    const updated = await this.ctx.request(UpdateOrganization.type, p);
    showInfo(`Updated organization '${updated.name}'.`);
    return updated;
  }
}

/** `rampart.deleteOrganization`: after a modal confirmation (`{ organization, confirm: false }` skips it). */
export class DeleteOrganizationCommand implements Command {
  readonly id = 'rampart.deleteOrganization';

  constructor(private readonly ctx: Ctx) {}

  async execute(arg?: unknown): Promise<OrganizationView> {
    const target = await organizationOf(this.ctx, arg, 'Delete which organization?');
    if ((arg as { confirm?: boolean } | undefined)?.confirm !== false) {
      const choice = await vscode.window.showWarningMessage(
        `Delete organization '${target.path}'? Its connections and evidence are not touched; an organization with subsidiaries or connections cannot be deleted.`,
        { modal: true }, 'Delete');
      if (choice !== 'Delete') throw new UserCancelledError();
    }
    const deleted = await this.ctx.request(DeleteOrganization.type, { organization: target.id });
    showInfo(`Deleted organization '${deleted.name}'.`);
    return deleted;
  }
}

/**
 * `rampart.moveConnectionToOrganization`: the connection (a Connections or Organizations view item,
 * `{ connectionId, organization? }`, or a pick) then the organization it publishes its assets as, or none.
 */
export class MoveConnectionCommand implements Command {
  readonly id = 'rampart.moveConnectionToOrganization';

  constructor(private readonly ctx: Ctx) {}

  async execute(arg?: unknown): Promise<AttachConnectionResult> {
    const a = arg as (ConnectionsNode | OrgTreeNode | { connectionId: string; organization?: string | null }) | undefined;
    let connectionId: string;
    if (a && 'kind' in a && a.kind === 'connection') connectionId = a.connection.id;
    else if (a && 'connectionId' in a) connectionId = a.connectionId;
    else {
      const chosen = await pickConnection((await listConnections(this.ctx)).filter((c) => !c.deletedAt), 'Move which connection?');
      if (chosen === 'all') throw new UserCancelledError();
      connectionId = chosen.id;
    }
    const connection = await findConnection(this.ctx, connectionId);
    const options = orgOptions(await tree(this.ctx));
    let organization: string | null;
    if (a && 'connectionId' in a && a.organization !== undefined) organization = a.organization;
    else {
      const items = [
        { label: 'No organization', description: 'stop publishing its assets as one', id: null as string | null },
        ...options.map((o) => ({ label: o.path, description: o.id === connection.organizationId ? 'current' : o.primaryDomain, id: o.id as string | null })),
      ];
      const chosen = await vscode.window.showQuickPick(items, { placeHolder: `Publish '${connection.name}' as which organization?`, ignoreFocusOut: true });
      if (!chosen) throw new UserCancelledError();
      organization = chosen.id;
    }
    const result = await this.ctx.request(AttachConnection.type, { connectionId, organization });
    const target = options.find((o) => o.id === result.organizationId);
    showInfo(target ? `'${connection.name}' now publishes its assets as '${target.path}'.` : `'${connection.name}' no longer belongs to an organization.`);
    return result;
  }
}

function flatten(nodes: OrganizationNode[]): OrganizationNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}
