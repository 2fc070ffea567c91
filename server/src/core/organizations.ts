/**
 * Organizations over a store: create, edit, delete a node, attach a connection (it publishes its assets as that
 * organization), and read the tree or one node's grade with its roll-up. Shared by the daemon and the CLI. Every
 * change is admin-only (RampartService.requireAdmin, which audits a refusal) and lands in the hash-chained audit log
 * in the same write as the change itself.
 */
import type { GradeView, OrganizationNode, UpdateOrganizationParams } from '../protocol';
import {
  OrganizationError, connectionsUnder, organizationTree, organizationsOf, postureOf, requireOrganization, subtreeIds, validateOrganization,
} from '../evidence/organizations';
import { computeGrade } from '../evidence/grade';
import { currentEvidence } from '../evidence/coverage';
import { assetsInGrace, graceMatcher } from '../evidence/assets';
import type { AuditAction, OrganizationRecord, StoreData } from '../store/schema';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { newId } from '../util/ids';
import { appendAudit } from './audit';
import { findConnection } from './connections';
import type { RampartService } from './service';
import type { ServiceSettings } from './settings';

export interface NewOrganization {
  name: string;
  /** Parent organization, by id or name. */
  parent?: string;
  primaryDomain?: string;
  description?: string;
  visibility?: 'private' | 'shared';
}

type OrganizationAuditAction = Extract<AuditAction, `organization-${string}`>;

export interface OrganizationsDeps {
  store: Store; clock: Clock; settings: () => ServiceSettings;
  /** Changes to the tree are admin-only (RampartService.requireAdmin); absent in pure tests. */
  requireAdmin?: () => Promise<void>;
  /** The acting user recorded in audit rows (default the OS user). */
  user?: () => string;
}

export class Organizations {
  constructor(private readonly deps: OrganizationsDeps) {}

  /** The organizations of a service's store, acting as its user with its admin check. */
  static of(service: RampartService, clock: Clock): Organizations {
    return new Organizations({
      store: service.store, clock, settings: () => service.settings, requireAdmin: () => service.requireAdmin('organizations'), user: () => service.user(),
    });
  }

  list(): OrganizationRecord[] {
    return organizationsOf(this.deps.store.data);
  }

  async create(input: NewOrganization): Promise<OrganizationRecord> {
    const { store, clock } = this.deps;
    await this.deps.requireAdmin?.();
    return store.update((d) => {
      const all = (d.organizations ??= []);
      const parentId = input.parent ? requireOrganization(d, input.parent).id : undefined;
      validateOrganization(all, { name: input.name, visibility: input.visibility, primaryDomain: input.primaryDomain });
      const primaryDomain = input.primaryDomain?.trim();
      const description = input.description?.trim();
      const org: OrganizationRecord = {
        id: newId('org'), name: input.name.trim(), visibility: input.visibility ?? 'private', createdAt: clock.now().toISOString(),
        ...(parentId ? { parentId } : {}), ...(primaryDomain ? { primaryDomain } : {}), ...(description ? { description } : {}),
      };
      all.push(org);
      this.audit(d, 'organization-create', undefined, {
        organizationId: org.id, name: org.name, parentId: org.parentId, primaryDomain: org.primaryDomain, visibility: org.visibility,
      });
      return org;
    }, { rows: [] });
  }

  /**
   * Changes name, domain, description, visibility or parent. An empty (or null) domain or description removes it;
   * a null parent makes the node a root. A parent inside the node's own subtree is refused (it would make a cycle).
   */
  async update(p: UpdateOrganizationParams): Promise<OrganizationRecord> {
    await this.deps.requireAdmin?.();
    return this.deps.store.update((d) => {
      const all = (d.organizations ??= []);
      const org = requireOrganization(d, p.organization);
      const next: OrganizationRecord = { ...org };
      if (p.name !== undefined) next.name = p.name.trim();
      for (const key of ['primaryDomain', 'description'] as const) {
        const v = p[key];
        if (v === undefined) continue;
        const t = v?.trim();
        if (t) next[key] = t; else delete next[key];
      }
      if (p.visibility !== undefined) next.visibility = p.visibility;
      if (p.parent !== undefined) {
        if (p.parent === null || p.parent === '') delete next.parentId;
        else {
          const parent = requireOrganization(d, p.parent);
          if (subtreeIds(all, org.id).has(parent.id)) {
            throw new OrganizationError(`'${parent.name}' cannot be the parent of '${org.name}': it is ${parent.id === org.id ? 'the organization itself' : 'one of its subsidiaries'}.`);
          }
          next.parentId = parent.id;
        }
      }
      validateOrganization(all.filter((o) => o.id !== org.id), { name: next.name, visibility: next.visibility, primaryDomain: next.primaryDomain });
      const changes: Record<string, { from?: string; to?: string }> = {};
      for (const key of ['name', 'primaryDomain', 'description', 'visibility', 'parentId'] as const) {
        if (org[key] !== next[key]) changes[key] = { from: org[key], to: next[key] };
      }
      if (!Object.keys(changes).length) return org;
      all[all.indexOf(org)] = next;
      this.audit(d, 'organization-update', undefined, { organizationId: org.id, name: next.name, changes });
      return next;
    }, { rows: [] });
  }

  /**
   * Deletes an organization with no subsidiaries and no live connection; revoked connections that still name it
   * are detached (their history stays, attached to nothing).
   */
  async delete(organization: string): Promise<OrganizationRecord> {
    await this.deps.requireAdmin?.();
    return this.deps.store.update((d) => {
      const org = requireOrganization(d, organization);
      const all = d.organizations ?? [];
      const children = all.filter((o) => o.parentId === org.id);
      const live = d.connections.filter((c) => !c.deletedAt && c.organizationId === org.id);
      if (children.length || live.length) {
        const parts = [
          children.length && `${children.length} subsidiar${children.length === 1 ? 'y' : 'ies'} (${children.map((o) => o.name).join(', ')})`,
          live.length && `${live.length} connection(s) (${live.map((c) => c.name).join(', ')})`,
        ].filter(Boolean);
        throw new OrganizationError(
          `Organization '${org.name}' still has ${parts.join(' and ')}: move or delete ${children.length ? 'its subsidiaries' : ''}` +
          `${children.length && live.length ? ' and ' : ''}${live.length ? 'its connections to another organization' : ''} first.`,
        );
      }
      let detached = 0;
      for (const c of d.connections) if (c.organizationId === org.id) { delete c.organizationId; detached++; }
      d.organizations = all.filter((o) => o.id !== org.id);
      this.audit(d, 'organization-delete', undefined, { organizationId: org.id, name: org.name, ...(detached ? { detachedRevoked: detached } : {}) });
      return org;
    }, { rows: [] });
  }

  /** Publishes a connection's assets as an organization, or detaches it with `organization` undefined or null. */
  async attach(connection: string, organization: string | undefined | null): Promise<{ connectionId: string; organizationId?: string }> {
    await this.deps.requireAdmin?.();
    // Already so: nothing to write (read after the updates queued before this one).
    const unchanged = await this.deps.store.exclusive(async (d) => {
      const c = findConnection(d, connection);
      const org = c && organization ? requireOrganization(d, organization) : undefined;
      return c && c.organizationId === org?.id ? { connectionId: c.id, ...(org ? { organizationId: org.id } : {}) } : undefined;
    });
    if (unchanged) return unchanged;
    return this.deps.store.update((d) => {
      const c = findConnection(d, connection);
      if (!c) throw new OrganizationError(`No connection '${connection}'.`);
      const previous = c.organizationId;
      const org = organization ? requireOrganization(d, organization) : undefined;
      if (org) c.organizationId = org.id; else delete c.organizationId;
      if (previous !== c.organizationId) {
        this.audit(d, 'organization-attach', c.id, {
          connection: c.name, organizationId: org?.id, organization: org?.name, ...(previous ? { previousOrganizationId: previous } : {}),
        });
      }
      return { connectionId: c.id, ...(org ? { organizationId: org.id } : {}) };
    }, { rows: [] });
  }

  /** The tree, grades weighted by `framework` (default: the `rampart.framework` setting). */
  tree(framework?: string): OrganizationNode[] {
    const s = this.deps.settings();
    return organizationTree(this.deps.store.data, {
      now: this.deps.clock.now(), framework: framework ?? s.framework, staleAfterMs: s.staleAfterMs, gracePeriodDays: s.gracePeriodDays,
    });
  }

  /** One organization's rolled-up grade, or (without one) the grade over every live connection. */
  grade(organization?: string, framework?: string): { name: string; grade: GradeView } {
    const d = this.deps.store.data;
    const s = this.deps.settings();
    const now = this.deps.clock.now();
    const fw = framework ?? s.framework;
    if (organization) {
      const org = requireOrganization(d, organization);
      return { name: org.name, grade: postureOf(d, connectionsUnder(d, org.id), { now, framework: fw, gracePeriodDays: s.gracePeriodDays, staleAfterMs: s.staleAfterMs }).grade };
    }
    const live = d.connections.filter((c) => !c.deletedAt);
    const rows = currentEvidence(d.evidence, new Map(live.map((c) => [c.id, c.lastSyncAt])));
    return { name: 'All connections', grade: computeGrade(rows, graceMatcher(assetsInGrace(d.assets ?? [], now, s.gracePeriodDays)), fw) };
  }

  private audit(d: StoreData, action: OrganizationAuditAction, connectionId: string | undefined, details: Record<string, unknown>): void {
    // As stored: absent values dropped, so the row in memory is the row a later read of the file sees.
    appendAudit(d, this.deps.clock.now(), action, connectionId, JSON.parse(JSON.stringify(details)) as Record<string, unknown>, this.deps.user?.());
  }
}
