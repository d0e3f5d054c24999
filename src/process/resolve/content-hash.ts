/**
 * Echo suppression: the hash of the vendor fields last exchanged with a CRM. When a record
 * read back has the hash Junction itself wrote, it is Junction's own change, not news.
 */
import { createHash } from 'node:crypto';
import type { RemoteFields } from '../../system';

export function contentHash(fields: RemoteFields, keys: readonly string[]): string {
  const canonical = [...keys].sort().map((k) => {
    const v = fields[k];
    const text = v === null || v === undefined ? '' : String(v).trim();
    return `${k}=${text}`;
  });
  return createHash('sha1').update(canonical.join('\u0000')).digest('base64url');
}
