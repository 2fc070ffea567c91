/**
 * Statements of Bicep: decorators, targetScope, param, var, resource (existing, nested, loops, conditions), module,
 * output, type, func, import, extension/provider, metadata, test and assert. Each statement is parsed on its own:
 * an error inside one is recorded and the parser skips to the next line, so every declaration below still parses.
 */
import type { Expr, Program, ResourceStmt, Span, Stmt } from './ast';
import { lex, type LexProblem, type SuppressionComment, type Token } from './lexer';
import type { LineIndex } from '../lines';
import { ParseError, type OffsetProblem } from './cursor';
import { ExprParser } from './parse-expr';

export interface ParseResult {
  program: Program;
  /** Lexical and syntax problems, as offsets, in the order found. */
  problems: OffsetProblem[];
  suppressions: SuppressionComment[];
  tokens: Token[];
}

/** Lexes and parses a Bicep file. Never throws; problems are collected. */
export function parseProgram(text: string, lines: LineIndex): ParseResult {
  const { tokens, problems: lexProblems, suppressions } = lex(text);
  const problems: LexProblem[] = [...lexProblems];
  const parser = new StatementParser(text, tokens, lines, problems);
  const statements = parser.program();
  problems.sort((a, b) => a.start - b.start);
  return { program: { statements }, problems, suppressions, tokens };
}

const KEYWORDS = 'targetScope, metadata, param, var, type, func, resource, module, output, import, extension, test or assert';

class StatementParser extends ExprParser {
  program(): Stmt[] {
    const statements: Stmt[] = [];
    while (true) {
      this.skipNl();
      if (this.kind() === 'eof') return statements;
      const before = this.p;
      try {
        const stmt = this.statement();
        if (stmt) statements.push(stmt);
        const k = this.kind();
        // A declaration in column 0 right after is where an unclosed bracket was ended (already reported).
        if (k !== 'nl' && k !== 'eof' && !this.atDeclarationStart()) this.fail(`Expected a new line after the declaration but found ${this.describe(this.tok)}`);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.problems.push({ message: e.message, start: e.start, end: e.end });
        // Skip to the end of the line, stray closers included.
        this.skipLine(true);
        if (this.p === before) this.next();
      }
    }
  }

  private statement(): Stmt | null {
    const start = this.tok.start;
    const decorators = this.kind() === '@' ? this.decorators() : [];
    const kw = this.tok;
    if (kw.kind !== 'ident') {
      if (decorators.length > 0) this.fail(`Expected a declaration after the decorators but found ${this.describe(kw)}`);
      this.fail(`Expected a declaration (${KEYWORDS}) but found ${this.describe(kw)}`);
    }
    const base = { start, decorators };
    switch (kw.value) {
      case 'resource': return this.resourceDecl(decorators, start);
      case 'targetScope': {
        this.next();
        this.expect('=', "'=' after targetScope");
        const value = this.expression();
        return { k: 'targetScope', start: base.start, decorators: base.decorators, value, end: value.end };
      }
      case 'metadata': case 'assert': {
        this.next();
        const name = this.identifier(`a name after '${kw.value}'`).value;
        this.expect('=', `'=' after the ${kw.value} name`);
        const value = this.expression();
        return { k: kw.value as 'metadata' | 'assert', start: base.start, decorators: base.decorators, name, value, end: value.end };
      }
      case 'param': {
        this.next();
        const name = this.identifier("a parameter name after 'param'").value;
        const type = this.isWord('resource') ? this.resourceTypeRef() : this.typeExpr();
        let value: Expr | null = null;
        if (this.kind() === '=') { this.next(); value = this.expression(); }
        return { k: 'param', start: base.start, decorators: base.decorators, name, type, value, end: this.prevEnd() };
      }
      case 'var': {
        this.next();
        const name = this.identifier("a variable name after 'var'").value;
        const type = this.kind() === '=' ? null : this.typeExpr();
        this.expect('=', "'=' after the variable name");
        const value = this.expression();
        return { k: 'var', start: base.start, decorators: base.decorators, name, type, value, end: value.end };
      }
      case 'output': {
        this.next();
        const name = this.identifier("an output name after 'output'").value;
        const type = this.isWord('resource') ? this.resourceTypeRef() : this.typeExpr();
        this.expect('=', "'=' after the output type");
        const value = this.expression();
        return { k: 'output', start: base.start, decorators: base.decorators, name, type, value, end: value.end };
      }
      case 'type': {
        this.next();
        const name = this.identifier("a type name after 'type'").value;
        this.expect('=', "'=' after the type name");
        const type = this.typeExpr();
        return { k: 'type', start: base.start, decorators: base.decorators, name, type, end: type.end };
      }
      case 'func': return this.funcDecl(base);
      case 'module': case 'test': {
        this.next();
        const name = this.identifier(`a name after '${kw.value}'`).value;
        const path = this.stringExpr(`the ${kw.value} path`);
        this.expect('=', `'=' after the ${kw.value} path`);
        const value = this.declarationValue();
        return { k: kw.value as 'module' | 'test', start: base.start, decorators: base.decorators, name, path, value, end: value.end };
      }
      case 'import': return this.importDecl(base);
      case 'extension': case 'provider': {
        this.next();
        return this.extensionRest(base);
      }
      default:
        if (decorators.length > 0) this.fail(`Expected a declaration after the decorators but found ${this.describe(kw)}`);
        this.fail(`Expected a declaration (${KEYWORDS}) but found ${this.describe(kw)}`);
    }
  }

  /**
   * Decorators: '@' expression, each followed by a new line. In a tuple type Bicep's own formatter also writes
   * `[@discriminator('type'), a | b]`, so there a comma may follow instead.
   */
  protected decorators(inTuple = false): Expr[] {
    const list: Expr[] = [];
    while (this.kind() === '@') {
      this.next();
      list.push(this.expression());
      if (this.kind() === ',' && inTuple) this.next();
      else if (this.kind() !== 'nl') this.fail(`Expected a new line after the decorator but found ${this.describe(this.tok)}`);
      this.skipNl();
    }
    return list;
  }

  /** `resource name 'type@version' existing? = value`, at the top level or nested in a resource body. */
  protected resourceDecl(decorators: Expr[], start: number): ResourceStmt {
    this.next(); // 'resource'
    const name = this.identifier("a resource name after 'resource'").value;
    const t = this.tok;
    const typeExpr = this.stringExpr('the resource type string');
    const type = typeExpr.k === 'str' ? typeExpr.value : null;
    let existing: Span | null = null;
    if (this.isWord('existing')) { const kw = this.next(); existing = { start: kw.start, end: kw.end }; }
    this.expect('=', existing ? "'=' after 'existing'" : "'=' after the resource type");
    const value = this.declarationValue();
    return { k: 'resource', name, type, typeStart: t.start, typeEnd: typeExpr.end, existing, value, decorators, start, end: value.end };
  }

  /** The value of a resource or module: `{...}`, `if (cond) {...}` or `[for ...: ...]`. */
  private declarationValue(): Expr {
    // A condition may start on the line after '=' (Azure/bicep accepts it; its baselines use it).
    if (this.kind() === 'nl' && this.kindAfterNl() === 'ident') {
      let q = this.p;
      while (this.toks[q].kind === 'nl') q++;
      if (this.toks[q].value === 'if') this.p = q;
    }
    if (this.isWord('if') && this.kind(1) === '(') return this.ifCondition();
    const k = this.kind();
    if (k === '{') return this.object();
    if (k === '[' && this.isWordAfterNl('for')) return this.forExpression();
    this.fail(`Expected '{', 'if (...)' or '[for ...]' after '=' but found ${this.describe(this.tok)}`);
  }

  private isWordAfterNl(word: string): boolean {
    let q = this.p + 1;
    while (this.toks[q].kind === 'nl') q++;
    return this.toks[q].kind === 'ident' && this.toks[q].value === word;
  }

  private stringExpr(what: string): Expr {
    const t = this.tok;
    if (t.kind !== 'str' && t.kind !== 'strL') this.fail(`Expected ${what} but found ${this.describe(t)}`);
    return this.expression();
  }

  /** `resource 'type@version'` as the type of a param or output. */
  private resourceTypeRef(): Span {
    const start = this.next().start;
    const t = this.stringExpr('the resource type string');
    return { start, end: t.end };
  }

  /** `func name(a string, b int) string => body` */
  private funcDecl(base: { start: number; decorators: Expr[] }): Stmt {
    this.next();
    const name = this.identifier("a function name after 'func'").value;
    const open = this.expect('(', "'(' after the function name");
    const params: string[] = [];
    while (true) {
      this.skipNl();
      if (this.kind() === ')') break;
      if (params.length > 0) { this.expect(',', "',' or ')' in the parameter list"); this.skipNl(); }
      if (this.kind() === 'eof') this.fail(`Expected ')' to close the parameter list started on line ${this.lineNo(open.start)}`);
      params.push(this.identifier('a parameter name').value);
      this.typeExpr();
    }
    this.next();
    this.typeExpr(); // the return type
    this.expect('=>', "'=>' before the function body");
    this.skipNl();
    const body = this.expression();
    return { k: 'func', start: base.start, decorators: base.decorators, name, params, body, end: body.end };
  }

  /** `import {a, b as c} from 'x'`, `import * as ns from 'x'`, or the older `import 'az@1.0.0' ...` provider form. */
  private importDecl(base: { start: number; decorators: Expr[] }): Stmt {
    this.next();
    const k = this.kind();
    if (k === 'str' || k === 'strL') return this.extensionRest(base);
    const names: string[] = [];
    if (k === '*') {
      this.next();
      if (!this.isWord('as')) this.fail(`Expected 'as' after '*' but found ${this.describe(this.tok)}`);
      this.next();
      names.push(this.identifier('a namespace name after as').value);
    } else if (k === '{') {
      const open = this.next();
      while (true) {
        while (this.kind() === 'nl' || this.kind() === ',') this.next();
        if (this.kind() === '}') { this.next(); break; }
        if (this.kind() === 'eof' || this.atDeclarationStart()) this.fail(`Expected '}' to close the import list started on line ${this.lineNo(open.start)}`);
        let name = this.kind() === 'str' ? this.next().value : this.identifier('a name to import').value;
        if (this.isWord('as')) { this.next(); name = this.identifier("an alias after 'as'").value; }
        names.push(name);
      }
    } else this.fail(`Expected '{' or '*' after 'import' but found ${this.describe(this.tok)}`);
    if (!this.isWord('from')) this.fail(`Expected 'from' but found ${this.describe(this.tok)}`);
    this.next();
    const from = this.stringExpr('the path to import from');
    return { k: 'import', start: base.start, decorators: base.decorators, names, from, end: from.end };
  }

  /** `extension 'spec' with {...} as alias` (also `provider` and `import 'spec'`); the spec may be a bare name. */
  private extensionRest(base: { start: number; decorators: Expr[] }): Stmt {
    const t = this.tok;
    const spec: Expr = t.kind === 'ident'
      ? (this.next(), { k: 'ident', name: t.value, start: t.start, end: t.end })
      : this.stringExpr('the extension name');
    if (this.isWord('with')) {
      this.next();
      if (this.kind() !== '{') this.fail(`Expected '{' after 'with' but found ${this.describe(this.tok)}`);
      this.object();
    }
    if (this.isWord('as')) { this.next(); this.identifier("an alias after 'as'"); }
    return { k: 'extension', start: base.start, decorators: base.decorators, spec, end: this.prevEnd() };
  }
}
