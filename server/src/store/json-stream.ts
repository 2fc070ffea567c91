/**
 * Writes a value as compact JSON in pieces, so a store of hundreds of thousands of rows is never held as one string
 * (which doubled the daemon's memory at every write). The bytes are exactly JSON.stringify(value): large arrays at the
 * top two levels are written a batch of elements at a time; everything else in one piece.
 */
// Small enough that a batch's text (tens of KB) stays in V8's young generation: strings over 128 KB go straight to
// the large-object space, which only a full collection frees, and a store write of 2,000-row batches left ~60 MB
// there each time, which is what drove the daemon's peak memory at a sync's commit.
const BATCH = 100;

export async function writeJson(value: unknown, write: (chunk: string) => Promise<unknown>, depth = 2): Promise<void> {
  if (Array.isArray(value)) {
    await write('[');
    for (let i = 0; i < value.length; i += BATCH) {
      // One string per batch (not one per element joined): half the garbage on a store of 100,000 rows.
      const part = JSON.stringify(value.slice(i, i + BATCH));
      await write((i === 0 ? '' : ',') + part.slice(1, -1));
    }
    await write(']');
    return;
  }
  if (depth > 0 && value !== null && typeof value === 'object' && !(value instanceof Date) && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    await write('{');
    let first = true;
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      await write((first ? '' : ',') + JSON.stringify(key) + ':');
      first = false;
      await writeJson(v, write, depth - 1);
    }
    await write('}');
    return;
  }
  await write(JSON.stringify(value) ?? 'null');
}
