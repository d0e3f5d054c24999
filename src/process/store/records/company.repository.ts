/**
 * Companies found by domain or name key under the company key lock, or created from a name:
 * what a contact's employer resolves to, with no find-then-create race across instances.
 */
import type { EntityManager } from 'typeorm';
import type { UnifiedValue } from '../../model';
import { companyKey } from '../../normalize/contact-normalizer';
import { lockKeys } from '../key-locks';
import { enqueueOutbound } from './outbox-enqueue.repository';
import { insertRecord, recordProvenance } from './unified-record.repository';

/** The live company with this domain (preferred) or name key, under the company key lock. */
export async function findCompany(m: EntityManager, domain: UnifiedValue, name: UnifiedValue): Promise<string | undefined> {
  const key = companyKey(name);
  await lockKeys(m, 'company', [key ?? domain ?? '']);
  const rows = (await m.query(
    `SELECT id FROM companies WHERE deleted_at IS NULL AND (($1::text IS NOT NULL AND domain = $1) OR ($2::text IS NOT NULL AND name_key = $2))
     ORDER BY (domain = $1) DESC NULLS LAST, created_at LIMIT 1`,
    [domain, key],
  )) as Array<{ id: string }>;
  return rows[0]?.id;
}

/**
 * A company known only by name (a Lead's Company, a HubSpot contact's company text, a partner's
 * record) is found by its name key, or becomes a record queued for every other connection.
 */
export async function findOrCreateCompanyByName(m: EntityManager, name: UnifiedValue, sourceConnectionId: string | null): Promise<string> {
  const existing = await findCompany(m, null, name);
  if (existing) return existing;
  const id = await insertRecord(m, 'COMPANY', { name }, { nameKey: companyKey(name) });
  await recordProvenance(m, id, { name }, sourceConnectionId, new Date());
  await enqueueOutbound(m, 'COMPANY', id, sourceConnectionId);
  return id;
}
