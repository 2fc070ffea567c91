/**
 * Rampart's Entra ID + ARM emulator: one HTTPS server on 127.0.0.1 serving the token endpoint, OpenID discovery and
 * the ARM routes the product reads, from a scenario (test/emulator/scenario.ts). See test/emulator/README.md.
 */
import { createServer } from 'node:https';
import type { Socket } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Fault, RequestLogEntry, Scenario } from './scenario';
import { loadScenario } from './scenario-load';
import { createCertificates } from './certs';
import { FaultSet, applyFault, describeFault } from './faults';
import { normalizePath, parseQuery, readBody, sendArmError, type EmulatorState, type RequestContext } from './http';
import { handleAad, isAadPath } from './aad';
import { handleArm, identifyCaller, sendForbidden } from './arm';
import { CONTROL_PREFIX, handleControl } from './control';

export { ScenarioError } from './scenario-load';
export type { Fault, RequestLogEntry, Scenario } from './scenario';

export interface EmulatorOptions {
  scenario: Scenario | string /* path to JSON */;
  port?: number /* 0 = random (default) */;
  dir?: string /* where to write ca.pem; default a fresh temp dir */;
  faults?: Fault[];
}

export interface EmulatorHandle {
  url: string; // https://127.0.0.1:PORT  (both authority host and ARM endpoint)
  authorityHost: string; // same as url
  armEndpoint: string; // same as url
  caFile: string; // path of the CA PEM to trust
  caPem: string;
  tenantId: string;
  scenario: Scenario; // live object: tests may mutate it (e.g. change an app's secret) and the next request sees it
  requests: RequestLogEntry[]; // request log, in order
  addFault(f: Fault): void;
  clearFaults(): void;
  stop(): Promise<void>; // closes server and all sockets
}

export async function startEmulator(opts: EmulatorOptions): Promise<EmulatorHandle> {
  const { scenario, dir: scenarioDir } = loadScenario(opts.scenario);
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'rampart-emulator-'));
  mkdirSync(dir, { recursive: true });
  const certs = await createCertificates(dir);
  const state: EmulatorState = {
    scenario,
    scenarioDir,
    tokenKey: randomBytes(32),
    faults: new FaultSet(opts.faults ?? []),
    requests: [],
  };

  const sockets = new Set<Socket>();
  const server = createServer({ key: certs.serverKeyPem, cert: certs.serverCertPem }, (req, res) => {
    void dispatch(state, req, res);
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {
    /* clients that do not trust the CA: nothing to do */
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `https://127.0.0.1:${port}`;

  let stopped: Promise<void> | undefined;
  return {
    url,
    authorityHost: url,
    armEndpoint: url,
    caFile: certs.caFile,
    caPem: certs.caPem,
    tenantId: scenario.tenant.id,
    scenario,
    requests: state.requests,
    addFault: (f) => state.faults.add(f),
    clearFaults: () => state.faults.clear(),
    stop: () =>
      (stopped ??= new Promise<void>((done) => {
        server.close(() => {
          if (ownDir) rmSync(dir, { recursive: true, force: true });
          done();
        });
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      })),
  };
}

async function dispatch(state: EmulatorState, req: RequestContext['req'], res: RequestContext['res']): Promise<void> {
  // Not new URL(): a scope sent with a leading slash arrives as "//subscriptions/...", which URL reads as a host.
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
  const search = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '');
  const host = req.headers.host ?? `127.0.0.1:${req.socket.localPort}`;
  const ctx: RequestContext = {
    req,
    res,
    state,
    method: (req.method ?? 'GET').toUpperCase(),
    path: normalizePath(rawPath),
    query: parseQuery(search),
    baseUrl: `https://${host}`,
  };
  if (CONTROL_PREFIX.test(ctx.path)) {
    await handleControl(ctx).catch(() => undefined);
    return;
  }

  const entry: RequestLogEntry = { at: Date.now(), method: ctx.method, path: ctx.path, query: ctx.query, status: 0 };
  let logged = false;
  ctx.logResponse = (status: number) => {
    if (logged) return;
    logged = true;
    entry.status = status;
    if (ctx.clientId) entry.clientId = ctx.clientId;
    state.requests.push(entry);
  };
  res.on('close', () => ctx.logResponse?.(res.headersSent ? res.statusCode : 0));

  const aad = isAadPath(ctx.path);
  try {
    if (!aad) identifyCaller(ctx);
    const fault = state.faults.match(ctx.method, ctx.path);
    if (fault) {
      entry.fault = describeFault(fault);
      if (await applyFault(ctx, fault, aad ? 'aad' : 'arm', sendForbidden)) return;
    }
    if (aad) {
      if (!(await handleAad(ctx))) sendArmError(ctx, 405, 'MethodNotAllowed', `The requested method ${ctx.method} is not allowed on ${ctx.path}.`);
    } else {
      if (ctx.method !== 'GET') ctx.body = await readBody(req);
      handleArm(ctx);
    }
  } catch (e) {
    if (!res.headersSent && !res.destroyed) {
      sendArmError(ctx, 500, 'InternalServerError', `Emulator error: ${(e as Error).message}`);
    }
  }
}
