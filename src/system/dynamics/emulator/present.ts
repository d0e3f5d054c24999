/** A stored row as the Web API returns it: selected columns, the key, and `@odata.etag`. */
import { DATAVERSE_ENTITIES, type DataverseEntitySet } from '../descriptor';
import type { Row } from './store';

export function present(set: DataverseEntitySet, row: Row, select: string[] | undefined): Record<string, unknown> {
  const key = DATAVERSE_ENTITIES[set].key;
  const etag = { '@odata.etag': `W/"${String(row.body.versionnumber ?? row.version)}"` };
  if (!select?.length) return { ...etag, ...row.body };
  const out: Record<string, unknown> = { ...etag };
  for (const column of select) out[column] = row.body[column] ?? null;
  // The primary key always comes back, selected or not.
  out[key] = row.body[key] ?? null;
  return out;
}

export const entityUrl = (root: string, set: DataverseEntitySet, id: string): string => `${root}${set}(${id})`;

/** `$select=a,b`; undefined when absent. */
export function selected(query: URLSearchParams): string[] | undefined {
  const raw = query.get('$select');
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
