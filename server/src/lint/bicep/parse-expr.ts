/**
 * Expressions and type expressions of Bicep (docs/grammar.md in Azure/bicep), as a recursive-descent parser over the
 * lexer's tokens. Newlines matter: they separate object properties and array items, so they are skipped only where
 * the grammar allows them (inside parentheses and call arguments, around `?`/`:` of a ternary, after operators).
 * Errors are thrown as ParseError and caught by the nearest list (object property, array item) or statement, which
 * records a problem and skips to the end of the line, so one mistake never hides what follows.
 */
import type { Expr, ObjectProp, ResourceStmt, Span } from './ast';
import type { Token, TokenKind } from './lexer';
import { TokenCursor } from './cursor';

const PRECEDENCE: Partial<Record<TokenKind, number>> = {
  '*': 100, '/': 100, '%': 100, '+': 90, '-': 90, '>': 80, '>=': 80, '<': 80, '<=': 80,
  '==': 70, '!=': 70, '=~': 70, '!~': 70, '&&': 50, '||': 40, '??': 30,
};

export abstract class ExprParser extends TokenCursor {
  /** Nested resources are declarations, parsed by the statement parser. */
  protected abstract resourceDecl(decorators: Expr[], start: number): ResourceStmt;
  protected abstract decorators(inTuple?: boolean): Expr[];
  // ---- expressions ---------------------------------------------------------------------------------------------
  /** expression -> binary ('?' expression ':' expression)? ; newlines are allowed around '?' and ':'. */
  expression(): Expr {
    this.enter(this.tok);
    try {
      const cond = this.binary(0);
      if (this.kindAfterNl() !== '?') return cond;
      this.skipNl();
      this.next();
      this.skipNl();
      const then = this.expression();
      this.skipNl();
      this.expect(':', "':' of the conditional expression");
      this.skipNl();
      const otherwise = this.expression();
      return { k: 'ternary', cond, then, else: otherwise, start: cond.start, end: otherwise.end };
    } finally { this.depth--; }
  }

  private binary(min: number): Expr {
    let left = this.unary();
    while (true) {
      const op = this.kind();
      const prec = PRECEDENCE[op];
      if (prec === undefined || prec <= min) return left;
      this.next();
      this.skipNl();
      if (this.atDeclarationStart()) this.fail(`Expected an expression after '${op}' but found ${this.describe(this.tok)}`);
      const right = this.binary(prec);
      left = { k: 'binary', op, left, right, start: left.start, end: right.end };
    }
  }

  private unary(): Expr {
    const t = this.tok;
    if (t.kind === '!' || t.kind === '-' || t.kind === '+') {
      this.next();
      this.enter(t);
      try {
        const arg = this.unary();
        return { k: 'unary', op: t.kind, arg, start: t.start, end: arg.end };
      } finally { this.depth--; }
    }
    return this.postfix(this.primary());
  }

  private postfix(e: Expr): Expr {
    while (true) {
      const k = this.kind();
      if (k === '.' || k === '::') {
        this.next();
        const safe = k === '.' && this.kind() === '?' ? (this.next(), true) : false;
        const name = this.identifier(k === '::' ? 'a nested resource name after ::' : 'a property name after .');
        if (k === '.' && this.kind() === '(') {
          const args = this.args();
          e = { k: 'call', base: e, name: name.value, args, start: e.start, end: this.prevEnd() };
        } else e = { k: 'member', obj: e, name: name.value, safe, accessor: k === '::', start: e.start, end: name.end };
      } else if (k === '[') {
        const open = this.next();
        const safe = this.kind() === '?' ? (this.next(), true) : false;
        const fromEnd = this.kind() === '^' ? (this.next(), true) : false;
        this.skipNl();
        const index = this.expression();
        this.skipNl();
        if (this.kind() !== ']') this.fail(`Expected ']' to close the index started on line ${this.lineNo(open.start)}`);
        e = { k: 'index', obj: e, index, safe, fromEnd, start: e.start, end: this.next().end };
      } else if (k === '!') {
        e = { k: 'nonnull', expr: e, start: e.start, end: this.next().end };
      } else return e;
    }
  }

  /** '(' arguments ')' of a call; newlines are allowed anywhere between the parentheses. */
  private args(): Expr[] {
    const open = this.next();
    const args: Expr[] = [];
    this.enter(open);
    try {
      while (true) {
        this.skipNl();
        if (this.kind() === ')') { this.next(); return args; }
        if (args.length > 0) {
          if (this.kind() !== ',' || this.atDeclarationStart()) this.unclosed(open, ')', 'argument list');
          this.next();
          this.skipNl();
          if (this.kind() === ')') { this.next(); return args; } // trailing comma
        }
        if (this.atDeclarationStart() || this.kind() === 'eof') this.unclosed(open, ')', 'argument list');
        args.push(this.expression());
      }
    } finally { this.depth--; }
  }

  private unclosed(open: Token, closer: string, what: string): never {
    const t = this.tok;
    this.fail(`Expected '${closer}' to close the ${what} started on line ${this.lineNo(open.start)}, but found ${this.describe(t)}`);
  }

  private primary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'int': this.next(); return { k: 'num', value: Number(t.value), start: t.start, end: t.end };
      case 'str': this.next(); return { k: 'str', value: t.value, multiline: t.multiline, start: t.start, end: t.end };
      case 'strL': return this.interpolation();
      case '{': return this.object();
      case '[': return this.kindAfterNl1() === 'for' ? this.forExpression() : this.array();
      case '(': return this.parenOrLambda();
      case 'ident': {
        this.next();
        if (t.value === 'true' || t.value === 'false') return { k: 'bool', value: t.value === 'true', start: t.start, end: t.end };
        if (t.value === 'null') return { k: 'null', start: t.start, end: t.end };
        if (this.kind() === '(') {
          const args = this.args();
          return { k: 'call', base: null, name: t.value, args, start: t.start, end: this.prevEnd() };
        }
        if (this.kind() === '=>') return this.lambdaBody([t.value], t.start);
        return { k: 'ident', name: t.value, start: t.start, end: t.end };
      }
      default:
        this.fail(`Expected an expression but found ${this.describe(t)}`);
    }
  }

  /** The word after '[' (skipping newlines): tells a for-expression from an array. */
  private kindAfterNl1(): string {
    let q = this.p + 1;
    while (this.toks[q].kind === 'nl') q++;
    return this.toks[q].kind === 'ident' ? this.toks[q].value : '';
  }

  private interpolation(): Expr {
    const first = this.next();
    const parts = [first.value];
    const exprs: Expr[] = [];
    while (true) {
      this.skipNl();
      exprs.push(this.expression());
      this.skipNl();
      const t = this.tok;
      if (t.kind === 'strM') { this.next(); parts.push(t.value); continue; }
      if (t.kind === 'strR') { this.next(); parts.push(t.value); return { k: 'interp', parts, exprs, start: first.start, end: t.end }; }
      this.fail(`Expected '}' to close the \${...} started on line ${this.lineNo(first.end)}, but found ${this.describe(t)}`);
    }
  }

  protected object(): Expr {
    const open = this.next();
    const props: ObjectProp[] = [];
    const resources: ResourceStmt[] = [];
    const end = this.list(open, () => {
      const t = this.tok;
      if (t.kind === '...') {
        this.next();
        const expr = this.expression();
        props.push({ key: null, keyStart: t.start, keyEnd: t.end, value: { k: 'spread', expr, start: t.start, end: expr.end }, start: t.start, end: expr.end });
        return;
      }
      if (t.kind === '@' || (t.kind === 'ident' && t.value === 'resource' && this.kind(1) === 'ident')) {
        resources.push(this.resourceDecl(t.kind === '@' ? this.decorators() : [], t.start));
        return;
      }
      let key: string | null = null;
      let keyExpr: Expr | undefined;
      if (t.kind === 'ident' || t.kind === 'str' || t.kind === 'int') { key = t.value; this.next(); }
      else if (t.kind === 'strL') keyExpr = this.interpolation();
      else this.fail(`Expected a property name but found ${this.describe(t)}`);
      this.expect(':', `':' after the property name`);
      const value = this.expression();
      props.push({ key, keyExpr, keyStart: t.start, keyEnd: keyExpr ? keyExpr.end : t.end, value, start: t.start, end: value.end });
    }, 'object');
    return { k: 'object', props, resources, start: open.start, end };
  }

  private array(): Expr {
    const open = this.next();
    const items: Expr[] = [];
    const end = this.list(open, () => {
      const t = this.tok;
      if (t.kind === '...') {
        this.next();
        const expr = this.expression();
        items.push({ k: 'spread', expr, start: t.start, end: expr.end });
      } else items.push(this.expression());
    }, 'array');
    return { k: 'array', items, start: open.start, end };
  }

  /** `[for item in list: body]`, `[for (item, i) in list: body]`, the body possibly `if (cond) {...}`. */
  protected forExpression(): Expr {
    const open = this.next();
    this.skipNl();
    this.next(); // 'for'
    let item: string | null = null, index: string | null = null;
    if (this.kind() === '(') {
      this.next();
      item = this.identifier('the loop item name').value;
      if (this.kind() === ',') { this.next(); index = this.identifier('the loop index name').value; }
      this.expect(')', "')' after the loop variables");
    } else item = this.identifier("the loop item name after 'for'").value;
    if (!this.isWord('in')) this.fail(`Expected 'in' but found ${this.describe(this.tok)}`);
    this.next();
    const iterable = this.expression();
    this.expect(':', "':' after the loop's array");
    this.skipNl();
    const body = this.isWord('if') && this.kind(1) === '(' ? this.ifCondition() : this.expression();
    this.skipNl();
    if (this.kind() !== ']') this.unclosed(open, ']', 'loop');
    return { k: 'for', item, index, iterable, body, start: open.start, end: this.next().end };
  }

  /** `if (cond) { ... }` of a resource, module or loop body. */
  protected ifCondition(): Expr {
    const kw = this.next();
    if (this.kind() !== '(') this.fail(`Expected '(' after 'if' but found ${this.describe(this.tok)}`);
    const cond = this.parenOrLambda();
    if (this.kind() !== '{') this.fail(`Expected '{' after the condition but found ${this.describe(this.tok)}`);
    const body = this.object();
    return { k: 'if', cond, body, start: kw.start, end: body.end };
  }

  /** `(expr)`, or a lambda `(a, b) => expr` / `() => expr`. */
  private parenOrLambda(): Expr {
    const open = this.next();
    const inner: Expr[] = [];
    this.enter(open);
    try {
      while (true) {
        this.skipNl();
        if (this.kind() === ')') break;
        if (inner.length > 0) {
          if (this.kind() !== ',') this.unclosed(open, ')', 'parenthesis');
          this.next();
          this.skipNl();
        }
        if (this.atDeclarationStart() || this.kind() === 'eof') this.unclosed(open, ')', 'parenthesis');
        inner.push(this.expression());
      }
    } finally { this.depth--; }
    const close = this.next();
    if (this.kind() === '=>') {
      const params = inner.map((e) => (e.k === 'ident' ? e.name : this.fail('Expected a name as lambda parameter')));
      return this.lambdaBody(params, open.start);
    }
    if (inner.length !== 1) this.fail(inner.length === 0 ? 'Expected an expression inside the parentheses' : "Expected ')' after the expression", close);
    return { k: 'paren', expr: inner[0], start: open.start, end: close.end };
  }

  protected lambdaBody(params: string[], start: number): Expr {
    this.next(); // '=>'
    this.skipNl();
    const body = this.expression();
    return { k: 'lambda', params, body, start, end: body.end };
  }

  // ---- type expressions ----------------------------------------------------------------------------------------
  /** typeExpression -> '|'? singular ('|' singular)* ; kept as a span. */
  protected typeExpr(): Span {
    const start = this.tok.start;
    this.enter(this.tok);
    try {
      // A union may start with '|' on the next line: `type t =\n  | 'a'\n  | 'b'`.
      if (this.kindAfterNl() === '|') { this.skipNl(); this.next(); this.skipNl(); }
      this.singularType();
      while (this.kindAfterNl() === '|') {
        this.skipNl();
        this.next();
        this.skipNl();
        this.singularType();
      }
    } finally { this.depth--; }
    return { start, end: this.prevEnd() };
  }

  private singularType(): void {
    this.primaryType();
    while (true) {
      const k = this.kind();
      if (k === '?' || k === '!') this.next();
      else if (k === '[') {
        this.next();
        if (this.kind() === 'int' || this.kind() === '*') this.next();
        this.expect(']', "']' of the array type");
      } else if (k === '.') {
        this.next();
        if (this.kind() === '*') this.next(); else this.identifier('a property name after .');
        if (this.kind() === '<') this.typeArguments(); // sys.resourceInput<'...'>
      } else return;
    }
  }

  private typeArguments(): void {
    this.next();
    do {
      if (this.kind() === ',') this.next();
      this.skipNl();
      this.typeExpr();
      this.skipNl();
    } while (this.kind() === ',');
    this.expect('>', "'>' to close the type arguments");
  }

  private primaryType(): void {
    const t = this.tok;
    switch (t.kind) {
      case 'ident':
        this.next();
        if (this.kind() === '<') this.typeArguments(); // resourceInput<'type@version'>
        return;
      case 'int': case 'str': this.next(); return;
      case '-': case '!': this.next(); if (this.kind() === '-' || this.kind() === '!') this.fail('Expected a literal after the sign'); this.primaryType(); return;
      case '(': {
        const open = this.next();
        this.enter(open);
        try { this.skipNl(); this.typeExpr(); this.skipNl(); } finally { this.depth--; }
        this.expect(')', "')' to close the parenthesized type");
        return;
      }
      case '{':
        this.list(this.next(), () => {
          if (this.kind() === '@') this.decorators();
          const k = this.next();
          if (k.kind !== 'ident' && k.kind !== 'str' && k.kind !== '*') this.fail(`Expected a property name but found ${this.describe(k)}`, k);
          this.expect(':', "':' after the property name");
          this.typeExpr();
        }, 'object type');
        return;
      case '[':
        this.list(this.next(), () => {
          if (this.kind() === '@') this.decorators(true);
          this.typeExpr();
        }, 'tuple type');
        return;
      default:
        this.fail(`Expected a type but found ${this.describe(t)}`);
    }
  }
}
