/**
 * A Web API request as the data routes see it, whether it arrived on its own or as a
 * part of a `$batch`: the resource path below `/api/data/v9.2/`, query, headers, body.
 */
import { BadJsonError } from '../../emulator-kit';

export interface DataRequest {
  method: string;
  /** Path below the data root: `contacts`, `contacts(<guid>)`, `contacts(junction_id='…')`, `WhoAmI`. */
  resource: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: string;
  /** `{serverUrl}/api/data/v9.2/`, the prefix of every link the emulator hands out. */
  root: string;
}

export interface Preferences {
  maxPageSize?: number;
  trackChanges: boolean;
  returnRepresentation: boolean;
  continueOnError: boolean;
}

/** `Prefer: odata.maxpagesize=10, odata.track-changes, return=representation`. */
export function preferences(header: string | undefined): Preferences {
  const items = (header ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  const size = items.find((p) => p.startsWith('odata.maxpagesize='));
  const n = size ? Number(size.split('=')[1]) : NaN;
  return {
    maxPageSize: Number.isInteger(n) && n > 0 ? n : undefined,
    trackChanges: items.includes('odata.track-changes'),
    returnRepresentation: items.includes('return=representation'),
    continueOnError: items.includes('odata.continue-on-error'),
  };
}

export function jsonBody(req: DataRequest): unknown {
  try {
    return JSON.parse(req.body);
  } catch (err) {
    throw new BadJsonError(`malformed JSON body: ${(err as Error).message}`);
  }
}

/** Splits `contacts(…)` into the entity set and the raw key text. */
export function splitResource(resource: string): { set: string; key?: string } | undefined {
  const m = /^([A-Za-z_][\w]*)(?:\((.*)\))?$/.exec(resource);
  return m ? { set: m[1]!, key: m[2] } : undefined;
}

/** A key is a GUID, or `column='value'` (an alternate key). */
export function parseKey(text: string): { id: string } | { column: string; value: string } | undefined {
  const guid = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/.exec(text.trim());
  if (guid) return { id: guid[1]!.toLowerCase() };
  const alt = /^(\w+)\s*=\s*'((?:[^']|'')*)'$/.exec(text.trim());
  return alt ? { column: alt[1]!, value: alt[2]!.replace(/''/g, "'") } : undefined;
}
