/**
 * Control endpoints under /_emulator/ for tests in another process. Not logged, not subject to faults.
 *   POST   /_emulator/faults            body: Fault          -> 201 {faults}
 *   GET    /_emulator/faults                                 -> 200 [Fault]
 *   DELETE /_emulator/faults                                 -> 204
 *   GET    /_emulator/requests                               -> 200 [RequestLogEntry]
 *   DELETE /_emulator/requests                               -> 204
 *   PATCH  /_emulator/apps/{clientId}  body: partial app     -> 200 app (secret redacted)
 */
import { findApp } from './arm-common';
import { readBody, sendJson, sendText, type RequestContext } from './http';
import type { ScenarioApp } from './scenario';

export const CONTROL_PREFIX = /^\/_emulator(\/|$)/i;

function redactApp(app: ScenarioApp): Record<string, unknown> {
  return { ...app, ...(app.secret !== undefined ? { secret: '[redacted]' } : {}) };
}

async function jsonBody(ctx: RequestContext): Promise<unknown> {
  const text = await readBody(ctx.req);
  return text ? JSON.parse(text) : undefined;
}

function problem(ctx: RequestContext, status: number, message: string): void {
  sendJson(ctx, status, { error: { code: 'BadRequest', message } });
}

export async function handleControl(ctx: RequestContext): Promise<void> {
  const { method, path, state } = ctx;
  try {
    if (/^\/_emulator\/faults$/i.test(path)) {
      if (method === 'POST') {
        state.faults.add((await jsonBody(ctx)) as never);
        return sendJson(ctx, 201, { faults: state.faults.list() });
      }
      if (method === 'GET') return sendJson(ctx, 200, state.faults.list());
      if (method === 'DELETE') {
        state.faults.clear();
        return sendText(ctx, 204, '');
      }
    }
    if (/^\/_emulator\/requests$/i.test(path)) {
      if (method === 'GET') return sendJson(ctx, 200, state.requests);
      if (method === 'DELETE') {
        state.requests.length = 0;
        return sendText(ctx, 204, '');
      }
    }
    const m = /^\/_emulator\/apps\/([^/]+)$/i.exec(path);
    if (m && method === 'PATCH') {
      const app = findApp(state, decodeURIComponent(m[1]));
      if (!app) return problem(ctx, 404, `no app with client id '${decodeURIComponent(m[1])}' in the scenario`);
      const patch = await jsonBody(ctx);
      if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return problem(ctx, 400, 'body must be a JSON object (partial app)');
      const { clientId: _ignored, ...rest } = patch as Partial<ScenarioApp>;
      Object.assign(app, rest);
      return sendJson(ctx, 200, redactApp(app));
    }
    return problem(ctx, 404, `unknown control endpoint ${method} ${path}`);
  } catch (e) {
    return problem(ctx, 400, (e as Error).message);
  }
}
