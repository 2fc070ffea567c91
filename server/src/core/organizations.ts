/**
 * Organizations over a store: create a node, attach a connection (it publishes its assets as that organization), and
 * read the tree or one node's grade with its roll-up. Shared by the daemon and the CLI.
 */
import type { GradeView, OrganizationNode } from '../protocol';
import {
  OrganizationError, connectionsUnder, organizationTree, organizationsOf, postureOf, requireOrganization, validateOrganization,
} from '../evidence/organizations';
import { computeGrade } from '../evidence/grade';
import { currentEvidence } from '../evidence/coverage';
import { assetsInGrace, graceMatcher } from '../evidence/assets';
import type { OrganizationRecord } from '../store/schema';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { newId } from '../util/ids';
import { findConnection } from './connections';
import type { ServiceSettings } from './settings';

export interface NewOrganization {
  name: string;
  /** Parent organization, by id or name. */
  parent?: string;
  primaryDomain?: string;
  description?: string;
  visibility?: 'private' | 'shared';
}

export class Organizations {
  constructor(private readonly deps: {
    store: Store; clock: Clock; settings: () => ServiceSettings;
    /** Changes to the tree are admin-only (RampartService.requireAdmin); absent in pure tests. */
    requireAdmin?: () => Promise<void>;
  }) {}

  list(): OrganizationRecord[] {
    return organizationsOf(this.deps.store.data);
  }

  async create(input: NewOrganization): Promise<OrganizationRecord> {
    const { store, clock } = this.deps;
    await this.deps.requireAdmin?.();
    return store.update((d) => {
      const all = (d.organizations ??= []);
      const parentId = input.parent ? requireOrganization(d, input.parent).id : undefined;
      validateOrganization(all, { name: input.name, visibility: input.visibility });
      const org: OrganizationRecord = {
        id: newId('org'), name: input.name.trim(), visibility: input.visibility ?? 'private', createdAt: clock.now().toISOString(),
        ...(parentId ? { parentId } : {}), ...(input.primaryDomain ? { primaryDomain: input.primaryDomain } : {}),
        ...(input.description ? { description: input.description } : {}),
      };
      all.push(org);
      return org;
    });
  }

  /** Publishes a connection's assets as an organization (or detaches it with `organization` undefined). */
  async attach(connection: string, organization: string | undefined): Promise<{ connectionId: string; organizationId?: string }> {
    await this.deps.requireAdmin?.();
    return this.deps.store.update((d) => {
      const c = findConnection(d, connection);
      if (!c) throw new OrganizationError(`No connection '${connection}'.`);
      if (organization === undefined) { delete c.organizationId; return { connectionId: c.id }; }
      c.organizationId = requireOrganization(d, organization).id;
      return { connectionId: c.id, organizationId: c.organizationId };
    });
  }

  tree(framework?: string): OrganizationNode[] {
    const s = this.deps.settings();
    return organizationTree(this.deps.store.data, { now: this.deps.clock.now(), framework, staleAfterMs: s.staleAfterMs, gracePeriodDays: s.gracePeriodDays });
  }

  /** One organization's rolled-up grade, or (without one) the grade over every live connection. */
  grade(organization?: string): { name: string; grade: GradeView } {
    const d = this.deps.store.data;
    const s = this.deps.settings();
    const now = this.deps.clock.now();
    if (organization) {
      const org = requireOrganization(d, organization);
      return { name: org.name, grade: postureOf(d, connectionsUnder(d, org.id), { now, gracePeriodDays: s.gracePeriodDays, staleAfterMs: s.staleAfterMs }).grade };
    }
    const live = d.connections.filter((c) => !c.deletedAt);
    const rows = currentEvidence(d.evidence, new Map(live.map((c) => [c.id, c.lastSyncAt])));
    return { name: 'All connections', grade: computeGrade(rows, graceMatcher(assetsInGrace(d.assets ?? [], now, s.gracePeriodDays))) };
  }
}
