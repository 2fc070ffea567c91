import type { Position, Range } from './model';

/**
 * Offsets to LSP positions (0-based line, UTF-16 character) and back, for every reader (JSON, ARM, Bicep): line
 * starts found once, then binary search. \r\n, \n and a lone \r each end a line, as LSP counts them.
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    // Without any \r, indexOf is the fast path.
    if (!text.includes('\r')) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** The 0-based line holding offset. */
  line(offset: number): number {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /** The position of an offset (clamped to the text). */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.line(o);
    return { line, character: o - this.starts[line] };
  }

  range(start: number, end: number): Range { return { start: this.position(start), end: this.position(end) }; }

  /** The offset of an LSP position (clamped to the text and to the end of its line). */
  offset(p: Position): number {
    const line = Math.max(0, Math.min(p.line, this.starts.length - 1));
    const next = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    return Math.min(this.starts[line] + Math.max(0, p.character), next);
  }

  get lineCount(): number { return this.starts.length; }
}
