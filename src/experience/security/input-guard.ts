/**
 * Input every resolver can store: PostgreSQL `text` cannot hold U+0000, so a NUL anywhere
 * in the variables or string literals would surface as a driver error (masked, but a 500
 * for what is the caller's mistake). Refused up front with BAD_USER_INPUT naming the path.
 * Other control characters, SQL and markup are data: queries are parameterised and the
 * API returns JSON, so they are stored as sent.
 */
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';

const MAX_SCAN_DEPTH = 32;

function nulPath(value: unknown, path: string, depth: number): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object' || depth > MAX_SCAN_DEPTH) return null;
  for (const [k, v] of Object.entries(value)) {
    const found = nulPath(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, depth + 1);
    if (found) return found;
  }
  return null;
}

export class NulCharacterError extends GraphQLError {
  declare readonly extensions: { code: 'BAD_USER_INPUT'; field: string; http: { status: 400 } };
  constructor(field: string) {
    super(`${field} contains a NUL character (U+0000), which cannot be stored: remove it`, { extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } } });
  }
}

/** Throws NulCharacterError for the first NUL in the variables or the document's string literals. */
export function rejectNulCharacters(document: DocumentNode, variables: Record<string, unknown> | null | undefined): void {
  const inVariables = nulPath(variables ?? {}, '$', 0);
  if (inVariables) throw new NulCharacterError(inVariables.replace(/^\$\./, '$'));
  visit(document, {
    [Kind.STRING](node) {
      if (node.value.includes('\u0000')) throw new NulCharacterError('a string argument');
    },
  });
}
