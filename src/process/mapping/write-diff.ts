/**
 * What a write to a CRM carries. A new record gets every mapped field that has a value. A
 * linked record gets only the fields whose value in the store differs from the target's last
 * known state (what Junction last read from or wrote to that record), never the whole record,
 * so a write cannot restate a value someone changed there since.
 *
 * "Differs" is judged in the store's terms: the known state is read the way an inbound record
 * is (mapped, then normalized) and written again through the same mapper, and the two writes
 * are compared field by field. A CRM holding "new york" for a store's "US-NY", or "Acme Inc"
 * for the store's "Acme, Inc." (one company by its match key), is not written to; one holding
 * "California" is.
 */
import type { RemoteFields, RemoteValue } from '../../system';
import { companyKey, normalizeCompanyName, normalizeRecord } from '../normalize/contact-normalizer';
import type { UnifiedValue } from '../model';
import type { OutboundSnapshot, RecordMapper } from './field-map';

/** A new record: every mapped field with a value (the CRM's defaults stand for the rest). */
export function newRecordFields(mapper: RecordMapper, snapshot: OutboundSnapshot): RemoteFields {
  return Object.fromEntries(Object.entries(mapper.toRemote(snapshot)).filter(([, v]) => text(v) !== ''));
}

/** A linked record: the fields whose value differs from what `known` (the target's last known state) implies. */
export function changedFields(mapper: RecordMapper, snapshot: OutboundSnapshot, known: RemoteFields): RemoteFields {
  const desired = mapper.toRemote(snapshot, known);
  const before = knownSnapshot(mapper, snapshot, known);
  // A known state the mapper cannot read (it never should: it came from a read or a write) is no basis for a diff.
  if (!before) return desired;
  const held = mapper.toRemote(before, known);
  return Object.fromEntries(Object.entries(desired).filter(([field, value]) => text(value) !== text(held[field])));
}

/** The known state in the store's terms, with the store's own company where both name the same one. */
function knownSnapshot(mapper: RecordMapper, snapshot: OutboundSnapshot, known: RemoteFields): OutboundSnapshot | undefined {
  let mapped: ReturnType<RecordMapper['toUnified']>['record'];
  try {
    mapped = normalizeRecord(mapper.toUnified(known).record).record;
  } catch {
    return undefined;
  }
  const ref = mapped.kind === 'CONTACT' ? mapped.company : undefined;
  const company = ref && ('remoteId' in ref ? { name: null, remoteId: ref.remoteId } : { name: normalizeCompanyName(ref.name) });
  return { values: mapped.values as Record<string, UnifiedValue>, company: sameCompany(snapshot.company, company) ? snapshot.company : company };
}

type SnapshotCompany = OutboundSnapshot['company'];

function sameCompany(a: SnapshotCompany, b: SnapshotCompany): boolean {
  if (!a || !b) return false;
  if (a.remoteId && b.remoteId) return a.remoteId === b.remoteId;
  const key = companyKey(a.name);
  return key !== null && key === companyKey(b.name);
}

/** Vendors clear a field with null or "" alike, and an absent field holds nothing. */
function text(v: RemoteValue | undefined): string {
  return v === null || v === undefined ? '' : String(v).trim();
}
