/**
 * Where the cursor is, lexically: inside which string literal, and whether that string is an entry of an Actions,
 * NotActions, DataActions or NotDataActions array. A forward scan of the text up to the cursor (JSON with comments or
 * Bicep), so it works on half-typed, unparseable text, which is exactly what completion sees.
 */
import type { OpKind } from '../lint/catalog';

export interface StringToken {
  /** Offsets of the literal, quotes included (`end` is past the closing quote, or the line end when unterminated). */
  start: number;
  end: number;
  /** Offsets of the content between the quotes. */
  contentStart: number;
  contentEnd: number;
  value: string;
  quote: string;
  terminated: boolean;
}

export type OperationListKey = 'actions' | 'notactions' | 'dataactions' | 'notdataactions';

export interface OperationContext {
  /** The list's key, lower-cased. */
  list: OperationListKey;
  /** Which catalog the list holds: DataActions and NotDataActions hold data actions. */
  kind: OpKind;
  str: StringToken;
}

const LISTS = new Set<string>(['actions', 'notactions', 'dataactions', 'notdataactions']);

interface Frame { ch: string; key?: string }

/**
 * The string literal at `offset` (from its opening quote to its closing quote, both included) when it is an entry of
 * an operation list; undefined anywhere else. `bicep` selects the lexical rules ('…' strings, ''' blocks).
 */
export function operationContextAt(text: string, offset: number, bicep: boolean): OperationContext | undefined {
  const stack: Frame[] = [];
  let last: string | undefined;
  let key: string | undefined;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (i > offset) return undefined;
    // Whitespace; in Bicep a newline ends an object property as a comma does.
    if (c === 10) { if (bicep && stack[stack.length - 1]?.ch === '{') key = undefined; i++; continue; }
    if (c === 32 || c === 9 || c === 13) { i++; continue; }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) { const e = text.indexOf('\n', i); i = e < 0 ? n : e; continue; }
    if (c === 47 && text.charCodeAt(i + 1) === 42) { const e = text.indexOf('*/', i + 2); i = e < 0 ? n : e + 2; continue; }
    const quote = bicep ? 39 /* ' */ : 34 /* " */;
    if (c === quote) {
      if (bicep && text.startsWith("'''", i)) {
        const e = text.indexOf("'''", i + 3);
        const end = e < 0 ? n : e + 3;
        if (offset < end) return undefined;
        i = end; last = undefined; continue;
      }
      const tok = readString(text, i, quote);
      if (offset >= tok.start && (offset < tok.end || (offset === tok.end && !tok.terminated))) {
        const top = stack[stack.length - 1];
        if (top?.ch !== '[' || !top.key || !LISTS.has(top.key)) return undefined;
        const list = top.key as OperationListKey;
        return { list, kind: list.includes('data') ? 'data' : 'action', str: tok };
      }
      last = tok.value;
      i = tok.end;
      continue;
    }
    if (isWordChar(c)) {
      let e = i + 1;
      while (e < n && isWordChar(text.charCodeAt(e))) e++;
      last = text.slice(i, e);
      i = e;
      continue;
    }
    switch (c) {
      case 58: /* : */ key = last?.toLowerCase(); break;
      case 44: /* , */ if (stack[stack.length - 1]?.ch === '{') key = undefined; break;
      case 91: /* [ */ stack.push({ ch: '[', key }); key = undefined; break;
      case 123: /* { */ stack.push({ ch: '{' }); key = undefined; break;
      case 40: /* ( */ stack.push({ ch: '(' }); break;
      case 93: case 125: case 41: stack.pop(); key = undefined; break;
      default: break;
    }
    last = undefined;
    i++;
  }
  return undefined;
}

function isWordChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c === 46;
}

/** A string literal from its opening quote: stops at the closing quote or, unterminated, at the end of the line. */
export function readString(text: string, start: number, quote: number): StringToken {
  let i = start + 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) { i += 2; continue; }
    if (c === quote) {
      return { start, end: i + 1, contentStart: start + 1, contentEnd: i, value: text.slice(start + 1, i), quote: text[start], terminated: true };
    }
    if (c === 10 || c === 13) break;
    i++;
  }
  i = Math.min(i, n);
  return { start, end: i, contentStart: start + 1, contentEnd: i, value: text.slice(start + 1, i), quote: text[start], terminated: false };
}
