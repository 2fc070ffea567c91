/**
 * `rampart role-for-connector [--connection N] [--out FILE]`: the least-privilege custom role for a connector.
 * With --out the role goes to FILE and the steps to stdout; without, the role JSON to stdout and the steps to stderr.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { connectorRole } from '../core/connector-role';
import type { RampartService } from '../core/service';
import type { CliValues } from './args';

export async function roleCommand(service: RampartService | undefined, v: CliValues): Promise<number> {
  const file = v.out ? path.basename(v.out) : undefined;
  const r = service ? service.connectorRole(v.connection, file) : connectorRole({ file });
  if (v.out) {
    await fs.writeFile(path.resolve(v.out), r.json);
    console.log(`Wrote ${path.resolve(v.out)}.\n\n${r.instructions}`);
  } else {
    process.stdout.write(r.json);
    process.stderr.write(`\n${r.instructions}\n`);
  }
  return 0;
}
