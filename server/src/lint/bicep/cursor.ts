/**
 * The token cursor under the Bicep parser: token helpers, error reporting and the recovery rules shared by every
 * construct (a broken list element skips to the end of its line; a column-0 declaration ends an unclosed bracket).
 */
import type { Token, TokenKind } from './lexer';
import type { LineIndex } from '../lines';

/**
 * A syntax error at [start, end): thrown inside the parser, always caught before parseProgram returns. Not an Error
 * subclass on purpose: capturing a stack trace per syntax error would slow down parsing a file being typed.
 */
export class ParseError {
  constructor(readonly message: string, readonly start: number, readonly end: number) {}
}

export interface OffsetProblem { message: string; start: number; end: number }

/** Keywords that start a top-level declaration: seen at column 0 inside an unclosed bracket, they end it. */
const DECLARATION_START = new Map<string, TokenKind[]>([
  ['param', ['ident']], ['var', ['ident']], ['resource', ['ident']], ['module', ['ident']], ['output', ['ident']],
  ['type', ['ident']], ['func', ['ident']], ['metadata', ['ident']], ['test', ['ident']], ['assert', ['ident']],
  ['targetScope', ['=']], ['import', ['{', '*', 'str']], ['extension', ['ident', 'str']], ['provider', ['str']],
]);

const CLOSERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
/** Deeper nesting is reported instead of parsed, so hostile input cannot exhaust the stack. */
const MAX_DEPTH = 400;

export abstract class TokenCursor {
  protected p = 0;
  protected depth = 0;
  constructor(
    protected readonly text: string,
    protected readonly toks: Token[],
    protected readonly lines: LineIndex,
    readonly problems: OffsetProblem[],
  ) {}

  // ---- token helpers -------------------------------------------------------------------------------------------
  protected get tok(): Token { return this.toks[this.p]; }
  protected kind(offset = 0): TokenKind { return this.toks[Math.min(this.p + offset, this.toks.length - 1)].kind; }
  protected isWord(word: string, offset = 0): boolean {
    const t = this.toks[Math.min(this.p + offset, this.toks.length - 1)];
    return t.kind === 'ident' && t.value === word;
  }
  protected next(): Token { const t = this.toks[this.p]; if (t.kind !== 'eof') this.p++; return t; }
  protected skipNl(): void { while (this.toks[this.p].kind === 'nl') this.p++; }
  /** The kind of the next token that is not a newline, without consuming anything. */
  protected kindAfterNl(): TokenKind {
    let q = this.p;
    while (this.toks[q].kind === 'nl') q++;
    return this.toks[q].kind;
  }
  protected prevEnd(): number { return this.p > 0 ? this.toks[this.p - 1].end : 0; }
  protected lineNo(offset: number): number { return this.lines.line(offset) + 1; }
  protected describe(t: Token): string {
    switch (t.kind) {
      case 'ident': return `'${t.value}'`;
      case 'int': return `the number ${t.value}`;
      case 'str': case 'strL': return 'a string';
      case 'strM': case 'strR': return "'}'";
      case 'nl': return 'a new line';
      case 'eof': return 'the end of the file';
      case 'bad': return `the character '${t.value}'`;
      default: return `'${t.kind}'`;
    }
  }
  protected fail(message: string, t: Token = this.tok): never {
    throw new ParseError(message, t.start, Math.max(t.end, t.start + (t.kind === 'nl' ? 0 : 1)));
  }
  protected expect(kind: TokenKind, what: string): Token {
    if (this.kind() !== kind) this.fail(`Expected ${what} but found ${this.describe(this.tok)}`);
    return this.next();
  }
  protected identifier(what: string): Token {
    if (this.kind() !== 'ident') this.fail(`Expected ${what} but found ${this.describe(this.tok)}`);
    return this.next();
  }
  protected problem(message: string, start: number, end: number): void { this.problems.push({ message, start, end }); }

  /**
   * True at a keyword that starts a top-level declaration in column 0 (e.g. `resource x '...'`): inside an unclosed
   * `{`, `[` or `(` that is the best sign the bracket was never closed, so the list ends there.
   */
  protected atDeclarationStart(): boolean {
    const t = this.tok;
    if (t.kind !== 'ident') return false;
    const follow = DECLARATION_START.get(t.value);
    if (!follow || !follow.includes(this.kind(1))) return false;
    const c = t.start > 0 ? this.text.charCodeAt(t.start - 1) : 10;
    return c === 10 || c === 13;
  }

  /** Error recovery: skips the rest of the line (and whatever brackets open and close on it), not the list's closer. */
  protected skipLine(topLevel = false): void {
    let depth = 0;
    while (true) {
      const k = this.kind();
      if (k === 'eof' || k === 'nl' || this.atDeclarationStart()) return;
      if (k === '{' || k === '[' || k === '(' || k === 'strL') depth++;
      else if (k === '}' || k === ']' || k === ')' || k === 'strR') {
        // Inside a list a closer at depth 0 is the list's own; at the top level there is no list to close.
        if (depth === 0 && !topLevel) return;
        depth = Math.max(0, depth - 1);
      }
      this.p++;
    }
  }

  /** Counts nesting; every caller pairs it with `depth--` in a finally block entered only after it succeeds. */
  protected enter(t: Token): void {
    if (this.depth >= MAX_DEPTH) this.fail('Expression nested too deeply', t);
    this.depth++;
  }

  /**
   * Parses the elements of `{...}`, `[...]` or a type's braces/brackets after the opener, separated by newlines or
   * commas. A broken element is reported and the rest of its line skipped; a missing closer is reported with the
   * line of its opener, and the list ends at a mismatched closer or a column-0 declaration.
   */
  protected list(open: Token, element: () => void, what: string): number {
    const closer = CLOSERS[open.kind] as TokenKind;
    this.enter(open);
    try {
      while (true) {
        while (this.kind() === 'nl' || this.kind() === ',') this.p++;
        const k = this.kind();
        if (k === closer) return this.next().end;
        if (k === 'eof' || k === '}' || k === ']' || k === ')' || k === 'strM' || k === 'strR' || this.atDeclarationStart()) {
          this.problem(`Expected '${closer}' to close the ${what} started on line ${this.lineNo(open.start)}`, open.start, open.end);
          return this.prevEnd();
        }
        const before = this.p;
        try {
          element();
          const after = this.kind();
          if (after !== 'nl' && after !== ',' && after !== closer) {
            this.fail(`Expected a new line or ',' after the ${what === 'object' ? 'property' : 'item'}, but found ${this.describe(this.tok)}`);
          }
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          this.problems.push({ message: e.message, start: e.start, end: e.end });
          this.skipLine();
          if (this.p === before) this.p++; // always make progress
        }
      }
    } finally {
      this.depth--;
    }
  }
}
