/**
 * SOQL tokens: enough of the language for the queries Junction and jsforce send
 * (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm).
 */
export type TokenKind = 'ident' | 'keyword' | 'string' | 'number' | 'datetime' | 'date' | 'op' | 'comma' | 'lparen' | 'rparen' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Keywords are upper-cased; strings are unescaped; everything else as written. */
  text: string;
  /** 1-based column, for Salesforce-style error messages. */
  column: number;
}

export const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'LIKE', 'IN', 'ORDER', 'BY', 'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST', 'LIMIT', 'OFFSET', 'TRUE', 'FALSE', 'NULL']);

export class SoqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUMBER = /^[+-]?\d+(?:\.\d+)?(?![\w.])/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;
const OPS = ['<=', '>=', '!=', '<>', '=', '<', '>'];
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', '%': '\\%', _: '\\_' };

export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const ch = soql.charAt(i);
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = soql.slice(i);
    if (ch === "'") {
      const { text, end } = readString(soql, i);
      tokens.push({ kind: 'string', text, column });
      i = end;
      continue;
    }
    const single: Record<string, TokenKind> = { ',': 'comma', '(': 'lparen', ')': 'rparen' };
    if (single[ch]) {
      tokens.push({ kind: single[ch]!, text: ch, column });
      i++;
      continue;
    }
    const op = OPS.find((o) => rest.startsWith(o));
    if (op) {
      tokens.push({ kind: 'op', text: op === '<>' ? '!=' : op, column });
      i += op.length;
      continue;
    }
    const m = DATETIME.exec(rest) ?? DATE.exec(rest) ?? NUMBER.exec(rest) ?? IDENT.exec(rest);
    if (!m) throw new SoqlSyntaxError(`unexpected token: '${ch}'`, column);
    const word = m[0];
    const kind: TokenKind = DATETIME.test(word) ? 'datetime' : DATE.test(word) ? 'date' : /^[+-]?\d/.test(word) ? 'number' : KEYWORDS.has(word.toUpperCase()) ? 'keyword' : 'ident';
    tokens.push({ kind, text: kind === 'keyword' ? word.toUpperCase() : word, column });
    i += word.length;
  }
  tokens.push({ kind: 'eof', text: '<EOF>', column: soql.length + 1 });
  return tokens;
}

/** Reads a single-quoted literal with backslash escapes; LIKE keeps `\%` and `\_` escaped. */
function readString(soql: string, start: number): { text: string; end: number } {
  let out = '';
  for (let i = start + 1; i < soql.length; i++) {
    const c = soql.charAt(i);
    if (c === "'") return { text: out, end: i + 1 };
    if (c === '\\') {
      const next = soql.charAt(i + 1);
      const mapped = ESCAPES[next];
      if (mapped === undefined) throw new SoqlSyntaxError(`Invalid string literal '\\${next}'. Illegal character sequence '\\${next}' in string literal.`, i + 1);
      out += mapped;
      i++;
      continue;
    }
    out += c;
  }
  throw new SoqlSyntaxError('unterminated string literal', start + 1);
}
