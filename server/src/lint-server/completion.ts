/**
 * Completion of operation strings inside Actions/NotActions/DataActions/NotDataActions from the catalog: provider
 * prefixes first (choosing one asks again), then the provider's operations; data actions only in DataActions and
 * NotDataActions, actions only in Actions and NotActions.
 */
import { type CompletionItem, CompletionItemKind, type CompletionList, type CompletionParams } from 'vscode-languageserver';
import { allOperations } from '../lint';
import type { OpKind } from '../lint/catalog';
import type { LintDocuments } from './documents';
import { operationContextAt } from './scan';

interface ProviderIndex { providers: string[]; byProvider: Map<string, string[]> }
const indexes = new Map<OpKind, ProviderIndex>();

function providerIndex(kind: OpKind): ProviderIndex {
  let ix = indexes.get(kind);
  if (!ix) {
    const byProvider = new Map<string, string[]>();
    for (const op of allOperations(kind)) {
      const k = op.provider.toLowerCase();
      const list = byProvider.get(k);
      if (list) list.push(op.name); else byProvider.set(k, [op.name]);
    }
    const providers = [...new Set(allOperations(kind).map((o) => o.provider))].sort();
    ix = { providers, byProvider };
    indexes.set(kind, ix);
  }
  return ix;
}

export function complete(lint: LintDocuments, params: CompletionParams): CompletionList | null {
  const doc = lint.documents.get(params.textDocument.uri);
  if (!doc || !lint.resultFor(doc.uri)?.linted) return null;
  const offset = doc.offsetAt(params.position);
  const ctx = operationContextAt(doc.getText(), offset, lint.isBicep(doc));
  if (!ctx || offset <= ctx.str.start || offset > ctx.str.contentEnd) return null;
  const prefix = doc.getText().slice(ctx.str.contentStart, offset);
  const range = { start: doc.positionAt(ctx.str.contentStart), end: params.position };
  const ix = providerIndex(ctx.kind);
  const items: CompletionItem[] = [];
  const slash = prefix.indexOf('/');
  const kindLabel = ctx.kind === 'data' ? 'DataAction' : 'Action';
  if (slash < 0) {
    const p = prefix.toLowerCase();
    for (const provider of ix.providers) {
      if (p && !provider.toLowerCase().includes(p)) continue;
      items.push({
        label: `${provider}/`, kind: CompletionItemKind.Module, detail: `${ix.byProvider.get(provider.toLowerCase())?.length ?? 0} ${kindLabel}s`,
        sortText: `0${provider}`, filterText: provider, textEdit: { range, newText: `${provider}/` },
        command: { title: 'Suggest operations', command: 'editor.action.triggerSuggest' },
      });
    }
  } else {
    const ops = ix.byProvider.get(prefix.slice(0, slash).trim().toLowerCase()) ?? [];
    for (const name of ops) {
      items.push({ label: name, kind: CompletionItemKind.Value, detail: kindLabel, sortText: `1${name}`, filterText: name, textEdit: { range, newText: name } });
    }
  }
  // Asked again as the user types: the provider list narrows, and after '/' the operations replace it.
  return { isIncomplete: true, items };
}
