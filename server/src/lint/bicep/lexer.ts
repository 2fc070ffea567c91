/**
 * The Bicep lexer: turns source text into a flat token array, following the token rules of Azure/bicep
 * (src/Bicep.Core/Parsing/Lexer.cs): newlines are tokens (they separate statements, properties and items), comments
 * and `#disable-next-line` pragmas are trivia, and strings are split into pieces around `${...}` holes so the parser
 * sees interpolation holes as ordinary expressions. It never throws: bad input becomes a 'bad' token or a problem.
 */

export type TokenKind =
  | 'ident' | 'int' | 'str' | 'strL' | 'strM' | 'strR' | 'nl' | 'eof' | 'bad'
  | '{' | '}' | '(' | ')' | '[' | ']' | ',' | '.' | '...' | '?' | '??' | ':' | '::' | ';' | '@'
  | '+' | '-' | '*' | '/' | '%' | '^' | '!' | '!=' | '!~' | '<' | '<=' | '>' | '>=' | '=' | '==' | '=~' | '=>'
  | '&&' | '||' | '|';

export interface Token {
  kind: TokenKind;
  /** Offsets into the text: [start, end). */
  start: number;
  end: number;
  /** Identifier name, integer digits, or the decoded contents of a string piece; '' otherwise. */
  value: string;
  /** Multi-line string piece ('''...''' or $'''...'''). Always set, so every token has one shape (faster). */
  multiline: boolean;
}

/** A lexical problem as offsets; the caller turns offsets into LSP ranges. */
export interface LexProblem { message: string; start: number; end: number }

/** A `// rampart-disable-next-line RP001 RP002` comment: where it ends and the rules it names. */
export interface SuppressionComment { end: number; rules: string[] }

export interface LexResult { tokens: Token[]; problems: LexProblem[]; suppressions: SuppressionComment[] }

/** One open construct that changes how '}' is read: a plain brace, or the hole of a (multi-line) string. */
type Frame = { kind: 'brace' } | { kind: 'string' } | { kind: 'multi'; dollars: number };

const SUPPRESS = /^\/\/\s*rampart-disable-next-line(?:\s(.*))?$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", $: '$' };

const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** What the string scanners share with the main loop. */
interface LexState { text: string; tokens: Token[]; problems: LexProblem[]; stack: Frame[] }

const token = (kind: TokenKind, start: number, end: number, value = '', multiline = false): Token => ({ kind, start, end, value, multiline });

/**
 * Scans a single-line string piece from i (just after the opening quote or the closing '}' of a hole), pushes it as
 * a complete/left piece (`first`) or a middle/right piece, and returns the offset after it.
 */
function scanString(L: LexState, start: number, i: number, first: boolean): number {
  const { text, tokens, problems } = L;
  const n = text.length;
  let value = '';
  let chunk = i;
  while (true) {
    if (i >= n || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13) {
      problems.push({ message: 'Unterminated string: a quoted string must end on the line it starts', start, end: i });
      tokens.push(token(first ? 'str' : 'strR', start, i, value + text.slice(chunk, i)));
      return i;
    }
    const c = text.charCodeAt(i);
    if (c === 39 /* ' */) {
      tokens.push(token(first ? 'str' : 'strR', start, i + 1, value + text.slice(chunk, i)));
      return i + 1;
    }
    if (c === 36 /* $ */ && text.charCodeAt(i + 1) === 123 /* { */) {
      tokens.push(token(first ? 'strL' : 'strM', start, i + 2, value + text.slice(chunk, i)));
      L.stack.push({ kind: 'string' });
      return i + 2;
    }
    if (c === 92 /* \ */) {
      value += text.slice(chunk, i);
      const e = text[i + 1];
      if (e === 'u' && text.charCodeAt(i + 2) === 123) {
        let j = i + 3;
        while (j < n && isHex(text.charCodeAt(j))) j++;
        const cp = parseInt(text.slice(i + 3, j), 16);
        if (j > i + 3 && text.charCodeAt(j) === 125 && cp <= 0x10ffff) {
          value += String.fromCodePoint(cp);
          i = j + 1;
        } else {
          problems.push({ message: 'Invalid unicode escape: expected \\u{hex digits}', start: i, end: Math.min(j + 1, n) });
          i += 2;
        }
      } else if (e !== undefined && Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
        value += ESCAPES[e];
        i += 2;
      } else {
        problems.push({ message: `Invalid escape sequence '\\${e ?? ''}' (valid: \\' \\\\ \\n \\r \\t \\$ \\u{...})`, start: i, end: Math.min(i + 2, n) });
        i += 1;
      }
      chunk = i;
      continue;
    }
    i++;
  }
}

/**
 * Scans a multi-line string piece and returns the offset after it. With `dollars` = 0 (''' ... ''') nothing is
 * interpolated; with $'''...''' the holes open with at least that many '$' then '{' (Bicep's "$$'''" rule).
 */
function scanMultiline(L: LexState, start: number, i: number, first: boolean, dollars: number): number {
  const { text, tokens } = L;
  const n = text.length;
  const contentStart = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 39) {
      let q = 0;
      while (text.charCodeAt(i) === 39) { i++; q++; }
      if (q >= 3) {
        tokens.push(token(first ? 'str' : 'strR', start, i, stripLeadingNewline(text.slice(contentStart, i - 3), first), true));
        return i;
      }
    } else if (c === 36 && dollars > 0) {
      const run = i;
      while (text.charCodeAt(i) === 36) i++;
      if (i - run >= dollars && text.charCodeAt(i) === 123) {
        tokens.push(token(first ? 'strL' : 'strM', start, i + 1, stripLeadingNewline(text.slice(contentStart, i - dollars), first), true));
        L.stack.push({ kind: 'multi', dollars });
        return i + 1;
      }
    } else i++;
  }
  L.problems.push({ message: "Unterminated multi-line string: expected ''' to close it", start, end: n });
  tokens.push(token(first ? 'str' : 'strR', start, n, stripLeadingNewline(text.slice(contentStart, n), first), true));
  return n;
}

/** Splits Bicep source into tokens. Linear in the text length; never throws. */
export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const problems: LexProblem[] = [];
  const suppressions: SuppressionComment[] = [];
  const stack: Frame[] = [];
  const L: LexState = { text, tokens, problems, stack };
  const n = text.length;
  let i = 0;

  while (i < n) {
    const c = text.charCodeAt(i);
    const start = i;
    // Whitespace and trivia.
    if (c === 32 || c === 9 || c === 0xfeff || c === 0x0b || c === 0x0c) { i++; continue; }
    if (c === 10 || c === 13) {
      // Inside the hole of a single-line string a newline ends the string (Bicep reports the same).
      // (Never read stack[-1]: an out-of-bounds read is a slow path in V8.)
      if (stack.length > 0 && stack[stack.length - 1].kind !== 'multi' && stack.some((f) => f.kind === 'string')) {
        problems.push({ message: 'Unterminated string: a new line inside ${...} of a quoted string', start: i, end: i });
        stack.length = 0;
        tokens.push(token('strR', start, i));
        continue;
      }
      // A run of newlines (with blank space between) is one token.
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 10 || d === 13 || d === 32 || d === 9) i++;
        else break;
      }
      tokens.push(token('nl', start, i));
      continue;
    }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      const comment = text.slice(start, i);
      // Cheap pre-check before the regular expression: most comments are not directives.
      if (comment.includes('rampart-disable-next-line')) {
        const m = SUPPRESS.exec(comment);
        if (m) suppressions.push({ end: i, rules: (m[1] ?? '').split(/[\s,]+/).filter((r) => r.length > 0) });
      }
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) {
        problems.push({ message: "Unterminated comment: expected '*/' to close it", start, end: n });
        i = n;
      } else i = close + 2;
      continue;
    }
    if (c === 35 /* # */ && atLineStart(text, i)) {
      // #disable-next-line / #disable-diagnostics / #restore-diagnostics pragmas: trivia up to the end of the line.
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      tokens.push(token('ident', start, i, text.slice(start, i)));
      continue;
    }
    if (isDigit(c)) {
      i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      tokens.push(token('int', start, i, text.slice(start, i)));
      continue;
    }
    if (c === 39 /* ' */) {
      if (text.charCodeAt(i + 1) === 39 && text.charCodeAt(i + 2) === 39) {
        i += 3;
        i = scanMultiline(L, start, i, true, 0);
      } else {
        i++;
        i = scanString(L, start, i, true);
      }
      continue;
    }
    if (c === 36 /* $ */) {
      let j = i;
      while (text.charCodeAt(j) === 36) j++;
      if (text.startsWith("'''", j)) {
        const dollars = j - i;
        i = j + 3;
        i = scanMultiline(L, start, i, true, dollars);
        continue;
      }
      i++;
      tokens.push(token('bad', start, i, '$'));
      continue;
    }
    i++;
    switch (c) {
      case 123: // {
        if (stack.length > 0) stack.push({ kind: 'brace' });
        tokens.push(token('{', start, i));
        break;
      case 125: { // }
        const top = stack.pop();
        if (top?.kind === 'string') i = scanString(L, start, i, false);
        else if (top?.kind === 'multi') i = scanMultiline(L, start, i, false, top.dollars);
        else tokens.push(token('}', start, i));
        break;
      }
      case 40: tokens.push(token('(', start, i)); break;
      case 41: tokens.push(token(')', start, i)); break;
      case 91: tokens.push(token('[', start, i)); break;
      case 93: tokens.push(token(']', start, i)); break;
      case 44: tokens.push(token(',', start, i)); break;
      case 59: tokens.push(token(';', start, i)); break;
      case 64: tokens.push(token('@', start, i)); break;
      case 43: tokens.push(token('+', start, i)); break;
      case 45: tokens.push(token('-', start, i)); break;
      case 42: tokens.push(token('*', start, i)); break;
      case 47: tokens.push(token('/', start, i)); break;
      case 37: tokens.push(token('%', start, i)); break;
      case 94: tokens.push(token('^', start, i)); break;
      case 46: // .
        if (text.charCodeAt(i) === 46 && text.charCodeAt(i + 1) === 46) { i += 2; tokens.push(token('...', start, i)); } else tokens.push(token('.', start, i));
        break;
      case 63: // ?
        if (text.charCodeAt(i) === 63) { i++; tokens.push(token('??', start, i)); } else tokens.push(token('?', start, i));
        break;
      case 58: // :
        if (text.charCodeAt(i) === 58) { i++; tokens.push(token('::', start, i)); } else tokens.push(token(':', start, i));
        break;
      case 33: { // !
        const d = text.charCodeAt(i);
        if (d === 61) { i++; tokens.push(token('!=', start, i)); } else if (d === 126) { i++; tokens.push(token('!~', start, i)); } else tokens.push(token('!', start, i));
        break;
      }
      case 60: if (text.charCodeAt(i) === 61) { i++; tokens.push(token('<=', start, i)); } else tokens.push(token('<', start, i)); break;
      case 62: if (text.charCodeAt(i) === 61) { i++; tokens.push(token('>=', start, i)); } else tokens.push(token('>', start, i)); break;
      case 61: { // =
        const d = text.charCodeAt(i);
        if (d === 61) { i++; tokens.push(token('==', start, i)); } else if (d === 126) { i++; tokens.push(token('=~', start, i)); } else if (d === 62) { i++; tokens.push(token('=>', start, i)); } else tokens.push(token('=', start, i));
        break;
      }
      case 38: if (text.charCodeAt(i) === 38) { i++; tokens.push(token('&&', start, i)); } else tokens.push(token('bad', start, i, '&')); break;
      case 124: if (text.charCodeAt(i) === 124) { i++; tokens.push(token('||', start, i)); } else tokens.push(token('|', start, i)); break;
      default: {
        // Keep surrogate pairs together so the 'bad' token's text is a whole character.
        if (c >= 0xd800 && c <= 0xdbff && i < n) i++;
        tokens.push(token('bad', start, i, text.slice(start, i)));
      }
    }
  }
  tokens.push({ kind: 'eof', start: n, end: n, value: '', multiline: false });
  return { tokens, problems, suppressions };
}

/** Bicep drops one newline right after the opening ''' of a multi-line string. */
function stripLeadingNewline(s: string, first: boolean): string {
  if (!first) return s;
  if (s.charCodeAt(0) === 13) s = s.slice(s.charCodeAt(1) === 10 ? 2 : 1);
  else if (s.charCodeAt(0) === 10) s = s.slice(1);
  return s;
}

/** True when only spaces or tabs stand between the line start and offset i. */
function atLineStart(text: string, i: number): boolean {
  for (let j = i - 1; j >= 0; j--) {
    const c = text.charCodeAt(j);
    if (c === 10 || c === 13) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
