/**
 * The emulator's control endpoints (`/_emulator/...`, test/emulator/README.md) over HTTPS with the emulator's own CA,
 * shared by the mocha suite (bundled into the extension host) and the Playwright driver.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';

export type ControlMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Sends one control request; resolves with the parsed JSON answer, rejects on a status of 300 or more. */
export function emulatorRequest(baseUrl: string, caFile: string, method: ControlMethod, route: string, body?: unknown): Promise<unknown> {
  const ca = fs.readFileSync(caFile);
  const url = new URL(baseUrl.replace(/\/+$/, '') + route);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method, ca, agent: false,
      headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300) return reject(new Error(`emulator ${method} ${route}: ${res.statusCode} ${text.slice(0, 300)}`));
        try { resolve(text ? JSON.parse(text) : undefined); } catch { resolve(text); }
      });
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`emulator ${method} ${route}: timed out`)));
    req.end(payload);
  });
}
