/**
 * A JSON reader for the linter: exact LSP positions on every value and key, comments and trailing commas accepted
 * (ARM templates allow both), and error recovery so one mistake does not hide the findings after it.
 * It never throws: every problem becomes a SyntaxProblem (reported as RP000) and the reader carries on.
 */
import { LineIndex } from './lines';
import type { LocatedProperty, LocatedValue, SyntaxProblem } from './model';

/** The shared offset/position index, under the name this module has always exported. */
export { LineIndex as LineMap };

export interface JsonParseResult {
  /** The top-level value, or undefined when the text holds none. */
  value?: LocatedValue;
  problems: SyntaxProblem[];
  lines: LineIndex;
}

const enum T { OpenBrace, CloseBrace, OpenBracket, CloseBracket, Colon, Comma, String, Number, Word, Invalid, EOF }

interface Token { t: T; start: number; end: number; value?: string | number }

/** Deeper nesting than this is skipped (and reported) so that hostile input cannot exhaust the stack. */
const MAX_DEPTH = 256;

/** Parses JSON-with-comments into located values. Never throws. */
export function parseJson(text: string): JsonParseResult {
  const lines = new LineIndex(text);
  const problems: SyntaxProblem[] = [];
  const p = new Parser(text, lines, problems);
  let value: LocatedValue | undefined;
  try {
    value = p.parseDocument();
  } catch (e) {
    // Defensive: a bug here must never take the daemon down; the file is reported as unreadable instead.
    problems.push({ message: `Internal reader error: ${(e as Error).message}`, range: lines.range(0, 0) });
  }
  return { value, problems, lines };
}

class Parser {
  private pos = 0;
  private tok: Token = { t: T.EOF, start: 0, end: 0 };
  private lastEnd = 0;
  constructor(private readonly text: string, private readonly lines: LineIndex, private readonly problems: SyntaxProblem[]) {}

  parseDocument(): LocatedValue | undefined {
    this.next();
    if (this.tok.t === T.EOF) { this.error('Expected a JSON value', this.tok.start, this.tok.end); return undefined; }
    let value = this.parseValue(0);
    while (!value && this.kind() !== T.EOF) {
      // Garbage before the first value: skip it and keep looking, so a stray character does not lose the file.
      this.next();
      value = this.parseValue(0);
    }
    if (this.kind() !== T.EOF) this.error('End of file expected', this.tok.start, this.tok.end);
    return value;
  }

  /** The current token's type (a method, so TypeScript does not narrow it across next()). */
  private kind(): T { return this.tok.t; }

  private error(message: string, start: number, end: number): void {
    // One problem per offset is enough: recovery can otherwise repeat the same complaint.
    const last = this.problems[this.problems.length - 1];
    const range = this.lines.range(start, Math.max(end, start));
    if (last && last.range.start.line === range.start.line && last.range.start.character === range.start.character) return;
    if (this.problems.length < 1000) this.problems.push({ message, range });
  }

  private parseValue(depth: number): LocatedValue | undefined {
    const tok = this.tok;
    switch (tok.t) {
      case T.String: this.next(); return { kind: 'string', value: tok.value as string, range: this.lines.range(tok.start, tok.end) };
      case T.Number: this.next(); return { kind: 'number', value: tok.value as number, range: this.lines.range(tok.start, tok.end) };
      case T.Word: {
        this.next();
        const range = this.lines.range(tok.start, tok.end);
        if (tok.value === 'true' || tok.value === 'false') return { kind: 'boolean', value: tok.value === 'true', range };
        if (tok.value === 'null') return { kind: 'null', range };
        this.error(`Unexpected '${tok.value}': a string needs double quotes`, tok.start, tok.end);
        return { kind: 'unknown', text: String(tok.value), range };
      }
      case T.OpenBrace: return depth >= MAX_DEPTH ? this.skipDeep() : this.parseObject(depth + 1);
      case T.OpenBracket: return depth >= MAX_DEPTH ? this.skipDeep() : this.parseArray(depth + 1);
      case T.Invalid:
        this.error(`Unexpected character '${this.text.slice(tok.start, tok.end)}'`, tok.start, tok.end);
        this.next();
        return undefined;
      default:
        this.error('Expected a value', tok.start, tok.end);
        return undefined;
    }
  }

  private skipDeep(): LocatedValue {
    const start = this.tok.start;
    this.error('Nesting too deep: the value is not analyzed', start, this.tok.end);
    let depth = 0;
    do {
      if (this.tok.t === T.OpenBrace || this.tok.t === T.OpenBracket) depth++;
      else if (this.tok.t === T.CloseBrace || this.tok.t === T.CloseBracket) depth--;
      this.next();
    } while (depth > 0 && this.tok.t !== T.EOF);
    return { kind: 'unknown', text: '…', range: this.lines.range(start, this.lastEnd) };
  }

  private parseObject(depth: number): LocatedValue {
    const start = this.tok.start;
    this.next();
    const properties: LocatedProperty[] = [];
    for (;;) {
      const before = this.tok.start;
      const t = this.tok.t;
      if (t === T.CloseBrace) { this.next(); break; }
      if (t === T.EOF) { this.error("Expected '}'", this.tok.start, this.tok.end); break; }
      if (t === T.CloseBracket) { this.error("Expected '}' but found ']'", this.tok.start, this.tok.end); this.next(); continue; }
      if (t === T.Comma) { this.error('Expected a property', this.tok.start, this.tok.end); this.next(); continue; }
      let key: string | undefined;
      const keyTok = this.tok;
      if (t === T.String) { key = keyTok.value as string; this.next(); }
      else if (t === T.Word) {
        this.error('Property names need double quotes', keyTok.start, keyTok.end);
        key = String(keyTok.value);
        this.next();
      } else if (t !== T.Colon) {
        this.error('Expected a property name', keyTok.start, keyTok.end);
        // A value where a key should be (e.g. a missing key): parse it to move past it, then carry on.
        if (this.tok.t === T.OpenBrace || this.tok.t === T.OpenBracket) this.parseValue(depth); else this.next();
        continue;
      }
      const keyRange = this.lines.range(keyTok.start, keyTok.end);
      let value: LocatedValue | undefined;
      if (this.tok.t === T.Colon) {
        this.next();
        value = this.parseValue(depth);
      } else {
        this.error("Expected ':'", this.tok.start, this.tok.end);
        if (this.startsValue()) value = this.parseValue(depth);
      }
      if (key !== undefined) {
        properties.push({ key, keyRange, value: value ?? { kind: 'unknown', text: '', range: this.lines.range(this.lastEnd, this.lastEnd) } });
      }
      if (this.tok.t === T.Comma) this.next();
      else if (this.tok.t !== T.CloseBrace && this.tok.t !== T.EOF) this.error("Expected ',' or '}'", this.tok.start, this.tok.end);
      if (this.tok.start === before && this.tok.t !== T.EOF) this.next(); // always make progress
    }
    return { kind: 'object', properties, range: this.lines.range(start, this.lastEnd) };
  }

  private parseArray(depth: number): LocatedValue {
    const start = this.tok.start;
    this.next();
    const items: LocatedValue[] = [];
    for (;;) {
      const before = this.tok.start;
      const t = this.tok.t;
      if (t === T.CloseBracket) { this.next(); break; }
      if (t === T.EOF) { this.error("Expected ']'", this.tok.start, this.tok.end); break; }
      if (t === T.CloseBrace) { this.error("Expected ']' but found '}'", this.tok.start, this.tok.end); this.next(); continue; }
      if (t === T.Comma) { this.error('Expected a value', this.tok.start, this.tok.end); this.next(); continue; }
      if (t === T.Colon) { this.error("Unexpected ':'", this.tok.start, this.tok.end); this.next(); continue; }
      const v = this.parseValue(depth);
      if (v) items.push(v);
      if (this.tok.t === T.Comma) this.next();
      else if (this.tok.t !== T.CloseBracket && this.tok.t !== T.EOF) this.error("Expected ',' or ']'", this.tok.start, this.tok.end);
      if (this.tok.start === before && this.tok.t !== T.EOF) this.next();
    }
    return { kind: 'array', items, range: this.lines.range(start, this.lastEnd) };
  }

  private startsValue(): boolean {
    const t = this.tok.t;
    return t === T.String || t === T.Number || t === T.Word || t === T.OpenBrace || t === T.OpenBracket;
  }

  // ---- scanner ----

  private next(): void {
    this.lastEnd = this.tok.end;
    this.tok = this.scan();
  }

  private scan(): Token {
    const s = this.text;
    const n = s.length;
    for (;;) {
      while (this.pos < n) {
        const c = s.charCodeAt(this.pos);
        if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff || c === 0xa0) this.pos++;
        else break;
      }
      if (this.pos >= n) return { t: T.EOF, start: n, end: n };
      if (s.charCodeAt(this.pos) === 47 /* / */) {
        const c2 = s.charCodeAt(this.pos + 1);
        if (c2 === 47) {
          while (this.pos < n && s.charCodeAt(this.pos) !== 10 && s.charCodeAt(this.pos) !== 13) this.pos++;
          continue;
        }
        if (c2 === 42) {
          const close = s.indexOf('*/', this.pos + 2);
          if (close < 0) { this.error('Unterminated comment', this.pos, n); this.pos = n; continue; }
          this.pos = close + 2;
          continue;
        }
      }
      break;
    }
    const start = this.pos;
    const c = s.charCodeAt(start);
    switch (c) {
      case 123: this.pos++; return { t: T.OpenBrace, start, end: this.pos };
      case 125: this.pos++; return { t: T.CloseBrace, start, end: this.pos };
      case 91: this.pos++; return { t: T.OpenBracket, start, end: this.pos };
      case 93: this.pos++; return { t: T.CloseBracket, start, end: this.pos };
      case 58: this.pos++; return { t: T.Colon, start, end: this.pos };
      case 44: this.pos++; return { t: T.Comma, start, end: this.pos };
      case 34: return this.scanString(start);
    }
    if (c === 45 || (c >= 48 && c <= 57)) return this.scanNumber(start);
    if (isWordChar(c)) {
      while (this.pos < n && isWordChar(s.charCodeAt(this.pos))) this.pos++;
      return { t: T.Word, start, end: this.pos, value: s.slice(start, this.pos) };
    }
    // One code point, so a surrogate pair is never split in a message.
    this.pos += c >= 0xd800 && c <= 0xdbff && this.pos + 1 < n ? 2 : 1;
    return { t: T.Invalid, start, end: this.pos };
  }

  private scanString(start: number): Token {
    const s = this.text;
    const n = s.length;
    let i = start + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= n) {
        this.error('Unterminated string', start, n);
        out += s.slice(chunk, n);
        this.pos = n;
        return { t: T.String, start, end: n, value: out };
      }
      const c = s.charCodeAt(i);
      if (c === 34) {
        out += s.slice(chunk, i);
        this.pos = i + 1;
        return { t: T.String, start, end: this.pos, value: out };
      }
      if (c === 10 || c === 13) {
        // A string cannot span lines: stop at the line end so the next line is read normally.
        this.error('Unterminated string', start, i);
        out += s.slice(chunk, i);
        this.pos = i;
        return { t: T.String, start, end: i, value: out };
      }
      if (c === 92) {
        out += s.slice(chunk, i);
        const e = s.charCodeAt(i + 1);
        const simple = ESCAPES[e];
        if (simple !== undefined) { out += simple; i += 2; }
        else if (e === 117 /* u */ && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          this.error('Invalid escape sequence', i, Math.min(i + 2, n));
          i += i + 1 < n && s.charCodeAt(i + 1) !== 10 && s.charCodeAt(i + 1) !== 13 ? 2 : 1;
        }
        chunk = i;
        continue;
      }
      i++;
    }
  }

  private scanNumber(start: number): Token {
    const s = this.text;
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = start;
    const r = m.exec(s);
    let end = r ? start + r[0].length : start + 1;
    // Swallow the rest of a malformed number (e.g. 1.2.3, 0x10) as one token.
    while (end < s.length && (isWordChar(s.charCodeAt(end)) || s.charCodeAt(end) === 46)) end++;
    this.pos = end;
    const raw = s.slice(start, end);
    if (!r || r[0].length !== raw.length) {
      this.error(`Invalid number '${raw}'`, start, end);
      return { t: T.Number, start, end, value: Number.parseFloat(raw) || 0 };
    }
    return { t: T.Number, start, end, value: Number(raw) };
  }
}

const ESCAPES: Record<number, string> = { 34: '"', 92: '\\', 47: '/', 98: '\b', 102: '\f', 110: '\n', 114: '\r', 116: '\t' };

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c === 46;
}

/** Case-insensitive property lookup (PowerShell and az write keys in either case). */
export function prop(obj: LocatedValue | undefined, key: string): LocatedProperty | undefined {
  if (!obj || obj.kind !== 'object') return undefined;
  const k = key.toLowerCase();
  for (let i = obj.properties.length - 1; i >= 0; i--) if (obj.properties[i].key.toLowerCase() === k) return obj.properties[i];
  return undefined;
}

/** The value of a property, case-insensitively; a dotted path walks objects (`properties.roleName`). */
export function get(obj: LocatedValue | undefined, path: string): LocatedValue | undefined {
  let cur = obj;
  for (const part of path.split('.')) cur = prop(cur, part)?.value;
  return cur;
}

/** Converts a located value to plain JSON (unknown values become undefined). */
export function toPlain(v: LocatedValue | undefined): unknown {
  if (!v) return undefined;
  switch (v.kind) {
    case 'array': return v.items.map(toPlain);
    case 'object': return Object.fromEntries(v.properties.map((p) => [p.key, toPlain(p.value)]));
    case 'null': return null;
    case 'unknown': return undefined;
    default: return v.value;
  }
}
