/**
 * Writes through sObject Collections, 200 records per call, allOrNone false so one bad
 * record never sinks its neighbours. Linked records are updated by id; unlinked ones are
 * upserted on Junction_Id__c, so replaying a write finds the record it created before.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
 */
import { SystemError } from '../errors';
import type { OutboundRecord, RemoteFields, WriteResult } from '../system-api';
import type { SalesforceRest } from './client';
import { SALESFORCE_DESCRIPTOR } from './descriptor';
import { assertApiName } from './normalize';
import { parseWire, SaveResults, type SaveResultT } from './types';
import { classifyCode } from './wire';

const EXT = SALESFORCE_DESCRIPTOR.externalIdField;
const BATCH = SALESFORCE_DESCRIPTOR.writeBatchSize;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Drops keys Salesforce would reject or that we set ourselves (id, attributes, the external id). */
export function writable(fields: RemoteFields): RemoteFields {
  const skip = new Set(['id', 'attributes', EXT.toLowerCase()]);
  return Object.fromEntries(Object.entries(fields).filter(([k]) => !skip.has(k.toLowerCase())));
}

function toWriteResult(junctionId: string, fallbackId: string | undefined, r: SaveResultT): WriteResult {
  const remoteId = r.id ?? fallbackId;
  if (r.success) return { junctionId, ok: true, remoteId: remoteId ?? undefined, created: r.created ?? false };
  const first = r.errors[0];
  const code = first?.statusCode ?? 'UNKNOWN';
  return {
    junctionId,
    ok: false,
    ...(remoteId ? { remoteId } : {}),
    error: { errorClass: classifyCode(code), code, message: r.errors.map((e) => e.message ?? e.statusCode).join('; '), ...(first?.fields?.length ? { fields: first.fields } : {}) },
  };
}

async function save(rest: SalesforceRest, path: string, records: Record<string, unknown>[], expected: number): Promise<SaveResultT[]> {
  // Both calls are idempotent: PATCH by id, or PATCH upsert keyed on the external id.
  const answer = await rest.call({ method: 'PATCH', path, body: { allOrNone: false, records }, idempotent: true });
  const results = parseWire(SaveResults, answer.body, 'collection save results');
  if (results.length !== expected) throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `expected ${expected} save results, got ${results.length}`);
  return results;
}

export async function upsertRecords(rest: SalesforceRest, remoteType: string, records: OutboundRecord[]): Promise<WriteResult[]> {
  assertApiName(remoteType);
  const results: WriteResult[] = new Array(records.length);
  const indexed = records.map((record, index) => ({ record, index }));
  const attributes = { type: remoteType };
  for (const part of chunks(indexed.filter((x) => x.record.remoteId), BATCH)) {
    const body = part.map(({ record }) => ({ attributes, ...writable(record.fields), id: record.remoteId, [EXT]: record.junctionId }));
    const saved = await save(rest, '/composite/sobjects', body, part.length);
    part.forEach(({ record, index }, i) => (results[index] = toWriteResult(record.junctionId, record.remoteId, saved[i]!)));
  }
  for (const part of chunks(indexed.filter((x) => !x.record.remoteId), BATCH)) {
    const body = part.map(({ record }) => ({ attributes, ...writable(record.fields), [EXT]: record.junctionId }));
    const saved = await save(rest, `/composite/sobjects/${remoteType}/${EXT}`, body, part.length);
    part.forEach(({ record, index }, i) => (results[index] = toWriteResult(record.junctionId, undefined, saved[i]!)));
  }
  return results;
}

/**
 * Soft delete (to the recycle bin). Deleting an already deleted record counts as done, so
 * a replayed archive succeeds. Archive knows only remote ids, so `junctionId` is empty.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_delete.htm
 */
export async function archiveRecords(rest: SalesforceRest, remoteIds: string[]): Promise<WriteResult[]> {
  const results: WriteResult[] = new Array(remoteIds.length);
  const valid: Array<{ id: string; index: number }> = [];
  remoteIds.forEach((id, index) => {
    if (/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/.test(id)) valid.push({ id, index });
    else results[index] = { junctionId: '', ok: false, remoteId: id, error: { errorClass: 'VALIDATION', code: 'MALFORMED_ID', message: `not a Salesforce id: ${JSON.stringify(id)}` } };
  });
  for (const part of chunks(valid, BATCH)) {
    const answer = await rest.call({ method: 'DELETE', path: `/composite/sobjects?ids=${part.map((p) => p.id).join(',')}&allOrNone=false` });
    const saved = parseWire(SaveResults, answer.body, 'collection delete results');
    if (saved.length !== part.length) throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `expected ${part.length} delete results, got ${saved.length}`);
    part.forEach(({ id, index }, i) => {
      const r = saved[i]!;
      const alreadyGone = !r.success && r.errors.every((e) => e.statusCode === 'ENTITY_IS_DELETED');
      results[index] = alreadyGone ? { junctionId: '', ok: true, remoteId: id, created: false } : toWriteResult('', id, r);
    });
  }
  return results;
}
