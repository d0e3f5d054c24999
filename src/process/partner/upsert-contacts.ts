/**
 * upsertContacts for partner systems (SPEC §4): up to 1,000 records applied as one page
 * (partner-page.ts) in one transaction, with an idempotency key. The key is claimed inside the same transaction
 * (idempotency-key.repository.ts), so a concurrent call with the same key waits for the
 * first to commit and then replays its answer — it never applies the batch twice.
 */
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventBus } from '../events';
import { claimIdempotencyKey, priorUseOfKey, saveKeyResponse } from '../store/partner/idempotency-key.repository';
import { loadRules } from '../quality/rules';
import { withoutNul } from '../normalize/text-safety';
import { applyPartnerPage, type PartnerContact, type UpsertOutcome } from './partner-page';
import type { RecordIssue } from '../model';

export const MAX_BATCH = 1000;
export const MAX_KEY_LENGTH = 255;

export interface UpsertItemResult {
  index: number;
  outcome: UpsertOutcome;
  contactId: string | null;
  email: string | null;
  issues: RecordIssue[];
}

export type UpsertContactsResult =
  | { ok: true; replayed: boolean; results: UpsertItemResult[] }
  | { ok: false; error: 'BAD_INPUT' | 'KEY_REUSED'; field: string; message: string };

/** Stable hash of the input: key order inside a record does not matter. */
function requestHash(input: PartnerContact[]): string {
  const canonical = input.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b))));
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export class PartnerUpserts {
  /** @param events where quarantined records are announced; supplied at wiring time. */
  constructor(
    private db: DataSource,
    private events: EventBus,
  ) {}

  /** `scope` (the caller's API key id) keeps one partner's keys from replaying another's. */
  async upsert(input: PartnerContact[], idempotencyKey: string, scope: string): Promise<UpsertContactsResult> {
    if (!idempotencyKey || idempotencyKey.length > MAX_KEY_LENGTH) return { ok: false, error: 'BAD_INPUT', field: 'idempotencyKey', message: `idempotencyKey must be 1…${MAX_KEY_LENGTH} characters` };
    if (input.length === 0 || input.length > MAX_BATCH) return { ok: false, error: 'BAD_INPUT', field: 'input', message: `a batch holds 1…${MAX_BATCH} records` };
    if (idempotencyKey.includes('\u0000')) return { ok: false, error: 'BAD_INPUT', field: 'idempotencyKey', message: 'idempotencyKey must not contain NUL characters' };
    const key = `${scope}:${idempotencyKey}`;
    const hash = requestHash(input);
    input = withoutNul(input);
    // The batch's quarantined records are announced once it has committed (never for a batch rolled back).
    const held: Array<() => void> = [];
    const afterCommit: EventBus = { publish: (topic, payload) => void held.push(() => this.events.publish(topic, payload)) };
    const result = await this.db.transaction(async (m): Promise<UpsertContactsResult> => {
      if (!(await claimIdempotencyKey(m, key, hash))) {
        const prior = await priorUseOfKey<{ results: UpsertItemResult[] }>(m, key);
        if (!prior || prior.requestHash !== hash || !prior.response)
          return { ok: false, error: 'KEY_REUSED', field: 'idempotencyKey', message: 'this idempotencyKey was used with a different input' };
        return { ok: true, replayed: true, results: prior.response.results };
      }
      const applied = await applyPartnerPage(m, input, { rules: await loadRules(m), at: new Date(), events: afterCommit });
      const results: UpsertItemResult[] = applied.map((r, index) => ({ index, outcome: r.outcome, contactId: r.contactId, email: r.email, issues: r.issues }));
      await saveKeyResponse(m, key, { results });
      return { ok: true, replayed: false, results };
    });
    for (const publish of held) publish();
    return result;
  }
}
