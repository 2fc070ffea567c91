/**
 * `rampart org create|update|delete|attach|detach|list` and `rampart grade`: the organization tree with each node's rolled-up grade and
 * coverage, and a grade's explanation (which findings cost how many points).
 */
import type { GradeView, OrganizationNode } from '../protocol';
import { Organizations } from '../core/organizations';
import type { RampartService } from '../core/service';
import { systemClock } from '../util/clock';
import { type CliValues, UsageError } from './args';
import { frameworkTitle } from '../evidence/catalog';

export function organizationsOf(service: RampartService): Organizations {
  return Organizations.of(service, systemClock);
}

export async function orgCommand(service: RampartService, rest: string[], v: CliValues): Promise<number> {
  const orgs = organizationsOf(service);
  const sub = rest[0] ?? 'list';
  if (sub === 'create') {
    if (!v.name) throw new UsageError('org create needs --name N.');
    const visibility = v.visibility ?? 'private';
    if (visibility !== 'private' && visibility !== 'shared') throw new UsageError(`--visibility is private or shared, not '${visibility}'.`);
    const o = await orgs.create({ name: v.name, parent: v.parent, primaryDomain: v.domain, description: v.description, visibility });
    const parent = o.parentId ? orgs.list().find((x) => x.id === o.parentId)?.name : undefined;
    console.log(`Created organization '${o.name}' (${o.id})${parent ? ` under '${parent}'` : ''}, ${o.visibility}.`);
    return 0;
  }
  if (sub === 'update') {
    if (!v.organization) throw new UsageError('org update needs --organization N and the fields to change (--name, --parent, --domain, --description, --visibility).');
    if (v.visibility !== undefined && v.visibility !== 'private' && v.visibility !== 'shared') throw new UsageError(`--visibility is private or shared, not '${v.visibility}'.`);
    const o = await orgs.update({
      organization: v.organization, name: v.name, primaryDomain: v.domain, description: v.description, visibility: v.visibility,
      // --parent '' (or none) makes the organization a root.
      parent: v.parent === undefined ? undefined : v.parent === '' || v.parent.toLowerCase() === 'none' ? null : v.parent,
    });
    console.log(`Updated organization '${o.name}' (${o.id}).`);
    return 0;
  }
  if (sub === 'delete') {
    if (!v.organization) throw new UsageError('org delete needs --organization N.');
    const o = await orgs.delete(v.organization);
    console.log(`Deleted organization '${o.name}' (${o.id}).`);
    return 0;
  }
  if (sub === 'detach') {
    if (!v.connection) throw new UsageError('org detach needs --connection C.');
    await orgs.attach(v.connection, null);
    console.log(`Connection '${v.connection}' no longer publishes its assets as an organization.`);
    return 0;
  }
  if (sub === 'attach') {
    if (!v.connection || !v.organization) throw new UsageError('org attach needs --connection C --organization N.');
    await orgs.attach(v.connection, v.organization);
    console.log(`Connection '${v.connection}' now publishes its assets as '${v.organization}'.`);
    return 0;
  }
  if (sub === 'list') {
    const tree = orgs.tree(v.framework);
    if (v.json) { console.log(JSON.stringify(tree, null, 2)); return 0; }
    console.log(treeBlock(tree));
    return 0;
  }
  throw new UsageError(`Unknown org command '${sub}': use create, update, delete, attach, detach or list.`);
}

export function gradeCommand(service: RampartService, v: CliValues): number {
  const { name, grade } = organizationsOf(service).grade(v.organization, v.framework);
  if (v.json) { console.log(JSON.stringify({ name, ...grade }, null, 2)); return 0; }
  console.log(`${name}: grade ${grade.letter} (${grade.score}/100), ${grade.findings} finding(s)${grade.inGrace ? `, ${grade.inGrace} in grace period` : ''}; weighted by ${frameworkTitle(grade.framework)} controls`);
  if (v.explain) console.log(explanation(grade));
  return 0;
}

/** The tree as indented lines: name, grade, coverage, connections. */
export function treeBlock(nodes: OrganizationNode[]): string {
  if (!nodes.length) return 'No organizations yet: run rampart org create --name N.';
  const lines = ['Organizations (grade, coverage)'];
  const walk = (n: OrganizationNode, depth: number) => {
    const conns = n.connections.length ? `  [${n.connections.map((c) => c.name).join(', ')}]` : '';
    const domain = n.primaryDomain ? ` <${n.primaryDomain}>` : '';
    lines.push(`${'  '.repeat(depth + 1)}${n.name}${domain}  ${n.grade.letter} ${n.grade.score}/100  coverage ${n.coveragePercent}%  ${n.visibility}${conns}`);
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const n of nodes) walk(n, 0);
  return lines.join('\n');
}

/** Deductions, largest first; they sum to 100 − score. */
export function explanation(g: GradeView, limit = Infinity): string {
  if (!g.deductions.length) return '  No deductions: nothing failing counts against the grade.';
  const shown = g.deductions.slice(0, limit);
  const lines = shown.map((d) => `  -${String(d.points).padStart(3)}  ${d.control.padEnd(6)} ${d.severity.padEnd(6)} ${d.finding}${d.reason ? `: ${d.reason}` : ''}`);
  if (g.deductions.length > shown.length) lines.push(`  ... ${g.deductions.length - shown.length} more deduction(s)`);
  if (g.capped) lines.push(`  (${g.capped} more finding(s) cost nothing: their control had already lost its whole weight)`);
  lines.push(`  total -${100 - g.score}`);
  return lines.join('\n');
}
