/**
 * A recursive-descent parser for the SOQL subset the emulator serves:
 * SELECT fields FROM object [WHERE expr] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n].
 * Precedence: NOT binds tightest, then AND, then OR; parentheses group.
 */
import { parseSfDateTime } from '../dates';
import { SoqlSyntaxError, tokenize, type Token, type TokenKind } from './soql-lexer';

export type Literal =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'datetime'; value: number }
  | { type: 'date'; value: string };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'compare'; field: string; op: CompareOp; value: Literal }
  | { kind: 'like'; field: string; pattern: string }
  | { kind: 'in'; field: string; values: Literal[]; negated: boolean };

export interface OrderItem {
  field: string;
  descending: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  fields: string[];
  object: string;
  where?: Expr;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

export { SoqlSyntaxError };

export function parseSoql(soql: string): SoqlQuery {
  return new Parser(tokenize(soql)).query();
}

class Parser {
  private pos = 0;
  constructor(private tokens: Token[]) {}

  query(): SoqlQuery {
    this.keyword('SELECT');
    const fields = [this.ident()];
    while (this.accept('comma')) fields.push(this.ident());
    this.keyword('FROM');
    const object = this.ident();
    const q: SoqlQuery = { fields, object, orderBy: [] };
    if (this.acceptKeyword('WHERE')) q.where = this.orExpr();
    if (this.acceptKeyword('ORDER')) {
      this.keyword('BY');
      do q.orderBy.push(this.orderItem());
      while (this.accept('comma'));
    }
    if (this.acceptKeyword('LIMIT')) q.limit = this.count();
    if (this.acceptKeyword('OFFSET')) q.offset = this.count();
    this.expect('eof');
    return q;
  }

  private orderItem(): OrderItem {
    const field = this.ident();
    const descending = this.acceptKeyword('DESC') ? true : (this.acceptKeyword('ASC'), false);
    // Salesforce's default: nulls first ascending, nulls last descending.
    let nullsLast = descending;
    if (this.acceptKeyword('NULLS')) nullsLast = this.acceptKeyword('LAST') ? true : (this.keyword('FIRST'), false);
    return { field, descending, nullsLast };
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.acceptKeyword('OR')) left = { kind: 'or', left, right: this.andExpr() };
    return left;
  }

  private andExpr(): Expr {
    let left = this.unary();
    while (this.acceptKeyword('AND')) left = { kind: 'and', left, right: this.unary() };
    return left;
  }

  private unary(): Expr {
    if (this.acceptKeyword('NOT')) return { kind: 'not', expr: this.unary() };
    if (this.accept('lparen')) {
      const inner = this.orExpr();
      this.expect('rparen');
      return inner;
    }
    return this.condition();
  }

  private condition(): Expr {
    const field = this.ident();
    const tok = this.peek();
    if (tok.kind === 'op') {
      this.pos++;
      return { kind: 'compare', field, op: tok.text as CompareOp, value: this.literal() };
    }
    if (this.acceptKeyword('LIKE')) {
      const pattern = this.expect('string');
      return { kind: 'like', field, pattern: pattern.text };
    }
    const negated = this.acceptKeyword('NOT');
    if (this.acceptKeyword('IN')) {
      this.expect('lparen');
      const values = [this.literal()];
      while (this.accept('comma')) values.push(this.literal());
      this.expect('rparen');
      return { kind: 'in', field, values, negated };
    }
    throw this.unexpected();
  }

  private literal(): Literal {
    const tok = this.peek();
    this.pos++;
    switch (tok.kind) {
      case 'string':
        return { type: 'string', value: tok.text };
      case 'number':
        return { type: 'number', value: Number(tok.text) };
      case 'date':
        return { type: 'date', value: tok.text };
      case 'datetime': {
        const ms = parseSfDateTime(tok.text);
        if (ms === undefined) throw new SoqlSyntaxError(`line 1:${tok.column} no viable alternative at character '${tok.text}'`, tok.column);
        return { type: 'datetime', value: ms };
      }
      case 'keyword':
        if (tok.text === 'NULL') return { type: 'null' };
        if (tok.text === 'TRUE' || tok.text === 'FALSE') return { type: 'boolean', value: tok.text === 'TRUE' };
    }
    this.pos--;
    throw this.unexpected();
  }

  private count(): number {
    const tok = this.expect('number');
    const n = Number(tok.text);
    if (!Number.isInteger(n) || n < 0) throw new SoqlSyntaxError(`unexpected token: '${tok.text}'`, tok.column);
    return n;
  }

  private ident(): string {
    return this.expect('ident').text;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private accept(kind: TokenKind): boolean {
    if (this.peek().kind !== kind) return false;
    this.pos++;
    return true;
  }

  private acceptKeyword(word: string): boolean {
    const tok = this.peek();
    if (tok.kind !== 'keyword' || tok.text !== word) return false;
    this.pos++;
    return true;
  }

  private keyword(word: string): void {
    if (!this.acceptKeyword(word)) throw this.unexpected();
  }

  private expect(kind: TokenKind): Token {
    const tok = this.peek();
    if (tok.kind !== kind) throw this.unexpected();
    this.pos++;
    return tok;
  }

  private unexpected(): SoqlSyntaxError {
    const tok = this.peek();
    return new SoqlSyntaxError(`unexpected token: '${tok.text}'`, tok.column);
  }
}
