/**
 * The daemon's export and dashboard methods: `rampart/export` (cancellable, with progress, audited like the CLI's
 * export), `rampart/exportScopes` (what a scope can name) and `rampart/dashboard`. Registered by Daemon.register.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { type CancellationToken, type Connection, ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import * as P from './protocol';
import type { RampartService } from './core/service';
import { EXPORT_FORMATS, ExportScopeError, exportEvidence } from './export';
import { auditExport } from './export/audit';
import { dashboardData } from './export/dashboard';
import { storeSource } from './export/source';
import { UnknownFrameworkError } from './evidence/controls';
import type { Clock } from './util/clock';

/** Progress notifications at most this often per export (a 100,000-row export reports per row otherwise). */
const PROGRESS_EVERY_MS = 100;

export interface ExportHandlerDeps {
  service(): RampartService;
  clock: Clock;
  /** Tells the clients the store changed (the export's audit row). */
  changed(reason: string): void;
}

export function registerExportHandlers(connection: Connection, deps: ExportHandlerDeps): void {
  const service = () => deps.service();
  connection.onRequest(P.Export.type, async (params, token) => {
    const svc = service();
    const out = checkParams(params);
    const signal = toAbortSignal(token);
    let last = 0;
    const onProgress = (done: number, total: number) => {
      const now = Date.now();
      if (done < total && now - last < PROGRESS_EVERY_MS) return;
      last = now;
      void connection.sendNotification(P.ExportProgressNotification.type, { exportId: params.exportId, done, total });
    };
    let result;
    try {
      // No sync may change the store while the rows stream out: the export sees one consistent state.
      result = await svc.store.exclusive((data) => exportEvidence(data, {
        format: params.format, scope: params.scope, out, onProgress, signal,
        grades: { gracePeriodDays: svc.settings.gracePeriodDays, staleAfterMs: svc.settings.staleAfterMs },
      }));
    } catch (e) {
      if (signal.aborted) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The export was cancelled; no file was written.');
      if (e instanceof ExportScopeError || e instanceof UnknownFrameworkError) throw new ResponseError(ErrorCodes.InvalidParams, e.message);
      throw e;
    }
    await auditExport(svc.store, deps.clock.now(), result, 'editor');
    deps.changed('export');
    return result;
  });

  connection.onRequest(P.ExportScopes.type, (p) => {
    const src = storeSource(service().store.data, p?.framework);
    try {
      return {
        connections: src.connections().map((c) => ({ id: c.id, name: c.name, revoked: c.revoked })),
        controls: src.controls().map((c) => ({ id: c.id, title: c.title })),
        assessments: src.assessments().map((a) => ({ id: a.id, name: a.name })),
      };
    } catch (e) {
      if (e instanceof UnknownFrameworkError) throw new ResponseError(ErrorCodes.InvalidParams, e.message);
      throw e;
    }
  });

  connection.onRequest(P.Dashboard.type, (p) => {
    const svc = service();
    try {
      return dashboardData(svc.store.data, { framework: p?.framework, now: deps.clock.now(), staleAfterMs: svc.settings.staleAfterMs });
    } catch (e) {
      if (e instanceof UnknownFrameworkError) throw new ResponseError(ErrorCodes.InvalidParams, e.message);
      throw e;
    }
  });
}

function checkParams(p: P.ExportParams): string {
  if (!p || !EXPORT_FORMATS.includes(p.format)) throw new ResponseError(ErrorCodes.InvalidParams, `Unknown export format '${String(p?.format)}': use ${EXPORT_FORMATS.join(', ')}.`);
  if (typeof p.out !== 'string' || !path.isAbsolute(p.out)) throw new ResponseError(ErrorCodes.InvalidParams, 'The export needs an absolute path to write (out).');
  if (!existsSync(path.dirname(p.out))) throw new ResponseError(ErrorCodes.InvalidParams, `The folder ${path.dirname(p.out)} does not exist.`);
  return p.out;
}

function toAbortSignal(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
