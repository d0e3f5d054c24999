/**
 * upsert and archive: linked records by id (batch/update), unlinked ones on the
 * `junction_id` unique property (batch/upsert), 100 inputs per call. Each input carries
 * its position as `objectWriteTraceId`, which HubSpot echoes in results and in 207 error
 * contexts, so every outcome maps back to its input.
 */
import { SystemError, type ErrorClass } from '../errors';
import type { OutboundRecord, RemoteFields, WriteResult } from '../system-api';
import type { BatchWriteInput, HubspotClient } from './client';
import { HUBSPOT_DESCRIPTOR, HUBSPOT_LIMITS, READ_ONLY_PROPERTIES, type HubspotObject } from './descriptor';
import type { BatchAnswer, BatchError } from './types';
import { classifyHubspot } from './wire';

type Mode = 'update' | 'upsert';

interface Item {
  index: number;
  record: OutboundRecord;
}

/** Whole-call failures that concern the records themselves; a batch failing so is split to find the culprit. */
const PER_RECORD: ReadonlySet<ErrorClass> = new Set(['VALIDATION', 'CONFLICT', 'NOT_FOUND']);

const EXTERNAL_ID = HUBSPOT_DESCRIPTOR.externalIdField;

/** HubSpot keeps every value as a string and clears a property with "". */
function toProperties(fields: RemoteFields): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(fields)) {
    // HubSpot maintains these itself and refuses writes to them.
    if (READ_ONLY_PROPERTIES.has(name) || name === EXTERNAL_ID) continue;
    out[name] = value === null ? '' : String(value);
  }
  return out;
}

function toInput(mode: Mode, record: OutboundRecord, trace: string): BatchWriteInput {
  const properties = toProperties(record.fields);
  if (mode === 'update') return { id: record.remoteId!, properties: { ...properties, [EXTERNAL_ID]: record.junctionId }, objectWriteTraceId: trace };
  return { id: record.junctionId, idProperty: EXTERNAL_ID, properties, objectWriteTraceId: trace };
}

/** The Junction property a HubSpot refusal says does not exist (PROPERTY_DOESNT_EXIST), if it is one. */
function missingJunctionProperty(message: string): string | undefined {
  return [EXTERNAL_ID, HUBSPOT_DESCRIPTOR.deletedFlagField].find((name) => message.includes(`Property "${name}" does not exist`));
}

const chunks = <T>(list: T[], size: number): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));

export async function upsertRecords(client: HubspotClient, object: HubspotObject, records: OutboundRecord[]): Promise<WriteResult[]> {
  const results: WriteResult[] = new Array(records.length);
  const items = records.map((record, index) => ({ index, record }));
  const linked = items.filter((i) => i.record.remoteId);
  const unlinked = items.filter((i) => !i.record.remoteId);
  for (const chunk of chunks(linked, HUBSPOT_LIMITS.batchInputs)) await writeChunk(client, object, 'update', chunk, results);
  for (const chunk of chunks(unlinked, HUBSPOT_LIMITS.batchInputs)) await writeChunk(client, object, 'upsert', chunk, results);
  return results;
}

async function writeChunk(client: HubspotClient, object: HubspotObject, mode: Mode, items: Item[], results: WriteResult[]): Promise<void> {
  const inputs = items.map((item, k) => toInput(mode, item.record, String(k)));
  let answer: BatchAnswer;
  try {
    answer = mode === 'update' ? await client.batchUpdate(object, inputs) : await client.batchUpsert(object, inputs);
  } catch (err) {
    if (!(err instanceof SystemError) || !PER_RECORD.has(err.errorClass)) throw err;
    // Junction's own property missing (a portal not provisioned) is no record's fault: every
    // write would meet it, so the run stops with it rather than failing each record apart.
    const missing = missingJunctionProperty(err.message);
    if (missing) throw new SystemError('SCHEMA', 'SETUP_INCOMPLETE', `the HubSpot ${object} property ${missing} does not exist: provision the connection (provisionConnection) or create it (crm-wire §6.2 item 10)`);
    // A 4xx for the whole batch (e.g. duplicate ids, or a vendor that rejects the batch
    // for one bad record): halve it until the failing records stand alone.
    if (items.length > 1) {
      const half = Math.ceil(items.length / 2);
      await writeChunk(client, object, mode, items.slice(0, half), results);
      await writeChunk(client, object, mode, items.slice(half), results);
      return;
    }
    const item = items[0]!;
    results[item.index] = {
      junctionId: item.record.junctionId,
      ok: false,
      remoteId: item.record.remoteId,
      error: { errorClass: err.errorClass, code: err.code, message: err.message },
    };
    return;
  }
  const byTrace = new Map(items.map((item, k) => [String(k), item]));
  const byId = (id: string) => items.find((i) => (mode === 'update' ? i.record.remoteId === id : i.record.junctionId === id));
  for (const r of answer.results) {
    const ext = r.properties[EXTERNAL_ID];
    const item = (r.objectWriteTraceId !== undefined ? byTrace.get(r.objectWriteTraceId) : undefined) ?? byId(mode === 'update' ? String(r.id) : String(ext));
    if (!item) continue;
    results[item.index] = {
      junctionId: item.record.junctionId,
      ok: true,
      remoteId: String(r.id),
      created: mode === 'upsert' && r.isNew === true,
      answered: scalars(r.properties),
    };
  }
  for (const e of answer.errors) {
    for (const item of errorTargets(e, byTrace, byId)) results[item.index] = failed(item, e);
  }
  for (const item of items) {
    results[item.index] ??= {
      junctionId: item.record.junctionId,
      ok: false,
      remoteId: item.record.remoteId,
      error: { errorClass: 'UNKNOWN', code: 'NO_RESULT', message: `HubSpot returned neither a result nor an error for input ${item.index}` },
    };
  }
}

/** The answer's scalar properties (HubSpot's are strings; anything else is no statement about a value). */
function scalars(properties: Record<string, unknown>): RemoteFields {
  const out: RemoteFields = {};
  for (const [name, value] of Object.entries(properties))
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[name] = value as RemoteFields[string];
  return out;
}

function errorTargets(e: BatchError, byTrace: Map<string, Item>, byId: (id: string) => Item | undefined): Item[] {
  const traced = (e.context.objectWriteTraceId ?? []).map((t) => byTrace.get(t)).filter((i): i is Item => i !== undefined);
  if (traced.length) return traced;
  return (e.context.ids ?? []).map(byId).filter((i): i is Item => i !== undefined);
}

function failed(item: Item, e: BatchError): WriteResult {
  const { errorClass } = classifyHubspot(400, { category: e.category, message: e.message });
  const fields = [...new Set([...e.errors.flatMap((d) => d.context?.propertyName ?? []), ...(e.context.propertyName ?? [])])];
  return {
    junctionId: item.record.junctionId,
    ok: false,
    remoteId: item.record.remoteId,
    error: { errorClass, code: e.errors[0]?.code ?? e.category, message: e.message, ...(fields.length ? { fields } : {}) },
  };
}

/** batch/archive answers 204 for known and unknown ids alike; a per-record 4xx marks its chunk. */
export async function archiveRecords(client: HubspotClient, object: HubspotObject, remoteIds: string[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const chunk of chunks(remoteIds, HUBSPOT_LIMITS.batchInputs)) {
    try {
      await client.batchArchive(object, chunk);
      for (const id of chunk) results.push({ junctionId: '', ok: true, remoteId: id });
    } catch (err) {
      if (!(err instanceof SystemError) || !PER_RECORD.has(err.errorClass)) throw err;
      for (const id of chunk)
        results.push({ junctionId: '', ok: false, remoteId: id, error: { errorClass: err.errorClass, code: err.code, message: err.message } });
    }
  }
  return results;
}
