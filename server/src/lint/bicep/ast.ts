/**
 * The Bicep syntax tree. Every node carries [start, end) offsets into the source; the reader converts them to LSP
 * ranges only for what it reports, which keeps parsing cheap on each keystroke. Type expressions are kept as spans
 * only: the analyzer never needs their meaning, only that they parse.
 */

export interface Span { start: number; end: number }

export type Expr =
  | Span & { k: 'str'; value: string; multiline: boolean }
  /** 'a${x}b': parts.length === exprs.length + 1. */
  | Span & { k: 'interp'; parts: string[]; exprs: Expr[] }
  | Span & { k: 'num'; value: number }
  | Span & { k: 'bool'; value: boolean }
  | Span & { k: 'null' }
  | Span & { k: 'ident'; name: string }
  | Span & { k: 'object'; props: ObjectProp[]; resources: ResourceStmt[] }
  | Span & { k: 'array'; items: Expr[] }
  /** `...x` inside an object or array. */
  | Span & { k: 'spread'; expr: Expr }
  | Span & { k: 'for'; item: string | null; index: string | null; iterable: Expr; body: Expr }
  | Span & { k: 'if'; cond: Expr; body: Expr }
  /** f(x), ns.f(x) or obj.method(x): `base` is what stands before the dot. */
  | Span & { k: 'call'; base: Expr | null; name: string; args: Expr[] }
  /** a.b, a.?b (safe), a::b (nested resource accessor). */
  | Span & { k: 'member'; obj: Expr; name: string; safe: boolean; accessor: boolean }
  /** a[i], a[?i] (safe), a[^i] (from the end). */
  | Span & { k: 'index'; obj: Expr; index: Expr; safe: boolean; fromEnd: boolean }
  | Span & { k: 'unary'; op: '!' | '-' | '+'; arg: Expr }
  | Span & { k: 'nonnull'; expr: Expr }
  | Span & { k: 'binary'; op: string; left: Expr; right: Expr }
  | Span & { k: 'ternary'; cond: Expr; then: Expr; else: Expr }
  | Span & { k: 'paren'; expr: Expr }
  | Span & { k: 'lambda'; params: string[]; body: Expr }
  /** Where an expression was expected but none could be parsed (a problem was recorded). */
  | Span & { k: 'error' };

export interface ObjectProp extends Span {
  /** The key's text, or null when the key is an interpolated string. */
  key: string | null;
  /** The interpolated key expression when `key` is null (and not a spread). */
  keyExpr?: Expr;
  keyStart: number;
  keyEnd: number;
  value: Expr;
}

export interface Decorated { decorators: Expr[] }

export interface ResourceStmt extends Span, Decorated {
  k: 'resource';
  name: string;
  /** The declared type string ('Microsoft.X/y@2023-01-01', or a child segment 'keys@...' when nested). */
  type: string | null;
  typeStart: number;
  typeEnd: number;
  /** The `existing` keyword's span, or null for a resource this file deploys. */
  existing: Span | null;
  /** An object, `if (...) {...}` or `[for ...: ...]`. */
  value: Expr;
}

export type Stmt =
  | ResourceStmt
  | Span & Decorated & { k: 'module'; name: string; path: Expr; value: Expr }
  | Span & Decorated & { k: 'param'; name: string; type: Span | null; value: Expr | null }
  | Span & Decorated & { k: 'var'; name: string; type: Span | null; value: Expr }
  | Span & Decorated & { k: 'output'; name: string; type: Span | null; value: Expr }
  | Span & Decorated & { k: 'type'; name: string; type: Span }
  | Span & Decorated & { k: 'func'; name: string; params: string[]; body: Expr }
  | Span & Decorated & { k: 'metadata'; name: string; value: Expr }
  | Span & Decorated & { k: 'targetScope'; value: Expr }
  | Span & Decorated & { k: 'import'; names: string[]; from: Expr | null }
  | Span & Decorated & { k: 'extension'; spec: Expr }
  | Span & Decorated & { k: 'test'; name: string; path: Expr; value: Expr }
  | Span & Decorated & { k: 'assert'; name: string; value: Expr };

export interface Program { statements: Stmt[] }
