/**
 * Dataverse wire shapes, parsed once at the boundary. Envelopes that do not parse are a
 * DATA_FORMAT failure; rows stay loose so a malformed one can be quarantined instead of
 * failing the page (see normalize.ts).
 */
import { SystemError } from '../errors';
import { describeUnparsedAnswer } from '../transport/vendor-text';

export type WireRow = Record<string, unknown>;

/** A collection answer: rows (and `$deletedEntity` rows in a delta), plus its links. */
export interface CollectionPage {
  value: WireRow[];
  nextLink?: string;
  deltaLink?: string;
  count?: number;
}

/** Dataverse's error body: `{"error":{"code":"0x…","message":"…"}}`; code is often empty. */
export interface ErrorBody {
  code: string;
  message?: string;
}

export interface TokenAnswer {
  accessToken: string;
  expiresInSeconds: number;
}

/** AAD (Entra ID) token error: `{ error, error_description, error_codes: [70011] }`. */
export interface AadError {
  error: string;
  description?: string;
}

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function malformed(what: string): SystemError {
  return new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `Dataverse answered with an unexpected ${what}`);
}

export function parseCollection(body: unknown): CollectionPage {
  if (!isObj(body) || !Array.isArray(body.value)) throw malformed('collection page');
  return {
    value: body.value.map((row) => (isObj(row) ? row : {})),
    nextLink: str(body['@odata.nextLink']),
    deltaLink: str(body['@odata.deltaLink']),
    count: typeof body['@odata.count'] === 'number' ? body['@odata.count'] : undefined,
  };
}

/** True for a `$deletedEntity` row of a change-tracking delta. */
export function isDeletedEntity(row: WireRow): boolean {
  const context = str(row['@odata.context']);
  return (context !== undefined && context.endsWith('/$deletedEntity')) || (row.reason === 'deleted' && 'id' in row);
}

export function parseTokenAnswer(body: unknown): TokenAnswer {
  if (!isObj(body) || typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') throw malformed('token answer');
  return { accessToken: body.access_token, expiresInSeconds: body.expires_in };
}

export function parseErrorBody(body: unknown): ErrorBody {
  if (isObj(body) && isObj(body.error)) return { code: str(body.error.code) ?? '', message: str(body.error.message) };
  if (typeof body === 'string' && body.trim().startsWith('{')) {
    try {
      return parseErrorBody(JSON.parse(body));
    } catch {
      // fall through: not JSON after all
    }
  }
  // An answer that is not Dataverse's error format is never quoted (it may not even be Dataverse's).
  return { code: '', message: typeof body === 'string' && body ? describeUnparsedAnswer(body) : undefined };
}

export function parseAadError(body: unknown): AadError | undefined {
  if (!isObj(body) || typeof body.error !== 'string') return undefined;
  return { error: body.error, description: str(body.error_description) };
}

/** The GUID in an `OData-EntityId` header: `{base}/contacts(<guid>)`. */
export function entityIdFromUrl(url: string | undefined | null): string | undefined {
  const m = /\(([0-9a-fA-F-]{36})\)\s*$/.exec(url ?? '');
  return m?.[1]?.toLowerCase();
}
