import type { ConnectionStatus, RunSummary, SyncProgress } from '../../server/src/protocol';

/** Display helpers only: the daemon owns every decision; these turn its answers into short strings. */

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago"; `short` gives "5m ago" for the status bar. */
export function ago(iso: string | undefined, short = false, now = Date.now()): string {
  if (!iso) return 'never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'unknown';
  const minutes = Math.floor(Math.max(0, now - then) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return short ? `${minutes}m ago` : `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return short ? `${hours}h ago` : `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return short ? `${days}d ago` : plural(days, 'day') + ' ago';
}

export function statusLabel(status: ConnectionStatus): string {
  switch (status) {
    case 'active': return 'active';
    case 'needs-credentials': return 'needs credentials';
    case 'error': return 'error';
    case 'never-synced': return 'never synced';
    case 'draft': return 'setup not finished';
    case 'awaiting-permissions': return 'awaiting permissions';
    case 'verified': return 'verified, not synced yet';
  }
}

/** "succeeded · 3 subs, 12 RGs, 57 assignments" or "failed · <error>". */
export function runLabel(run: RunSummary): string {
  if (run.status === 'failed') return `failed · ${firstLine(run.error ?? 'unknown error')}`;
  const c = run.counts;
  return `${run.status} · ${c.subscriptions} subs, ${c.resourceGroups} RGs, ${c.roleAssignments} assignments`;
}

/** "3 subscriptions, 12 resource groups, 57 role assignments", summed over runs. */
export function countsSentence(runs: RunSummary[]): string {
  const sum = (pick: (r: RunSummary) => number) => runs.reduce((n, r) => n + pick(r), 0);
  return [
    plural(sum((r) => r.counts.subscriptions), 'subscription'),
    plural(sum((r) => r.counts.resourceGroups), 'resource group'),
    plural(sum((r) => r.counts.roleAssignments), 'role assignment'),
  ].join(', ');
}

/** "Contoso Prod: role assignments 2/3". The daemon's message may already carry the counter. */
export function progressLine(p: SyncProgress): string {
  const counter = p.total > 0 ? `${p.done}/${p.total}` : '';
  const message = counter && !p.message.includes(counter) ? `${p.message} ${counter}` : p.message;
  return `${p.connectionName}: ${message}`;
}

export function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0];
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
