/**
 * upsert and archive as $batch change sets of at most 1,000 requests. Linked records are
 * PATCHed by GUID (with `If-Match: *`, so a row deleted in Dataverse is reported, not
 * resurrected) and get `junction_id` stamped; unlinked ones are PATCHed by the
 * `junction_id` alternate key, which upserts, so a replay creates nothing new.
 *
 * A change set is atomic: when a request in it fails, Dataverse rolls the set back and
 * answers only that request's error (by Content-ID). The failing record gets its
 * classified result and the rest are sent again, until every record has an outcome.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
 */
import type { OutboundRecord, RemoteFields, WriteResult } from '../system-api';
import type { DataverseClient } from './client';
import { DATAVERSE_ENTITIES, DATAVERSE_LIMITS, DYNAMICS_DESCRIPTOR, SYSTEM_COLUMNS, type SyncedEntitySet } from './descriptor';
import type { BatchPartRequest, BatchPartResponse } from './multipart';
import { entityIdFromUrl } from './types';
import { classifyDataverse } from './wire';

const EXTERNAL_ID = DYNAMICS_DESCRIPTOR.externalIdField;

interface Op {
  index: number;
  part: Omit<BatchPartRequest, 'contentId'>;
}

const chunks = <T>(list: T[], size: number): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));

/** Column values to write: platform-maintained columns and the external id are never sent as data. */
function toBody(fields: RemoteFields): RemoteFields {
  const out: RemoteFields = {};
  for (const [name, value] of Object.entries(fields)) if (!SYSTEM_COLUMNS.has(name) && name !== EXTERNAL_ID && !name.startsWith('__')) out[name] = value;
  return out;
}

const quoted = (value: string) => `'${encodeURIComponent(value).replace(/'/g, "''")}'`;

function writeOp(client: DataverseClient, set: SyncedEntitySet, record: OutboundRecord, index: number): Op {
  const key = DATAVERSE_ENTITIES[set].key;
  const body = toBody(record.fields);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Prefer: 'return=representation' };
  if (record.remoteId) {
    return {
      index,
      part: { method: 'PATCH', url: `${client.dataRoot}${set}(${record.remoteId})?$select=${key}`, headers: { ...headers, 'If-Match': '*' }, body: JSON.stringify({ ...body, [EXTERNAL_ID]: record.junctionId }) },
    };
  }
  return { index, part: { method: 'PATCH', url: `${client.dataRoot}${set}(${EXTERNAL_ID}=${quoted(record.junctionId)})?$select=${key}`, headers, body: JSON.stringify(body) } };
}

export async function upsertRecords(client: DataverseClient, set: SyncedEntitySet, records: OutboundRecord[]): Promise<WriteResult[]> {
  const ops = records.map((record, index) => writeOp(client, set, record, index));
  const answers = await runChangesets(client, ops);
  return records.map((record, index) => {
    const answer = answers.get(index)!;
    if (answer.status >= 400) return { junctionId: record.junctionId, ok: false, remoteId: record.remoteId, error: failure(answer) };
    const remoteId = entityIdFromUrl(answer.headers['odata-entityid']) ?? record.remoteId;
    // With return=representation an upsert answers 201 when it created the row, 200 when it updated one.
    return { junctionId: record.junctionId, ok: true, remoteId, created: answer.status === 201 };
  });
}

/** Dataverse has no archive: the adapter's archive deletes (the process tier decides whether to call it). */
export async function deleteRecords(client: DataverseClient, set: SyncedEntitySet, remoteIds: string[]): Promise<WriteResult[]> {
  const ops = remoteIds.map((id, index) => ({ index, part: { method: 'DELETE', url: `${client.dataRoot}${set}(${id})`, headers: {} } }));
  const answers = await runChangesets(client, ops);
  return remoteIds.map((remoteId, index) => {
    const answer = answers.get(index)!;
    // Already gone is the state asked for, so a replayed archive succeeds.
    if (answer.status < 400 || answer.status === 404) return { junctionId: '', ok: true, remoteId };
    return { junctionId: '', ok: false, remoteId, error: failure(answer) };
  });
}

function failure(answer: BatchPartResponse): NonNullable<WriteResult['error']> {
  let body: unknown = answer.body;
  try {
    body = answer.body ? JSON.parse(answer.body) : undefined;
  } catch {
    // keep the text; the classifier reads what it can
  }
  const f = classifyDataverse(answer.status, body);
  return { errorClass: f.errorClass, code: f.code, message: f.message };
}

/** Sends ops in change sets of ≤1,000 until each has an answer; returns them by op index. */
async function runChangesets(client: DataverseClient, ops: Op[]): Promise<Map<number, BatchPartResponse>> {
  const answers = new Map<number, BatchPartResponse>();
  for (const chunk of chunks(ops, DATAVERSE_LIMITS.batchRequests)) await settle(client, chunk, answers);
  return answers;
}

async function settle(client: DataverseClient, ops: Op[], answers: Map<number, BatchPartResponse>): Promise<void> {
  let pending = ops;
  while (pending.length) {
    const parts = pending.map((op, k) => ({ ...op.part, contentId: String(k + 1) }));
    const replies = await client.batch([{ changeset: parts }]);
    const failed = replies.filter((r) => r.status >= 400);
    if (!failed.length && replies.length === parts.length) {
      pending.forEach((op, k) => answers.set(op.index, replies[k]!));
      return;
    }
    const culprits = new Set(failed.map((r) => Number(r.contentId) - 1).filter((k) => k >= 0 && k < pending.length));
    if (!culprits.size) {
      // An answer that names no request: halve the set until the failing request stands alone.
      if (pending.length === 1) {
        answers.set(pending[0]!.index, failed[0] ?? { status: 500, headers: {}, body: undefined });
        return;
      }
      const half = Math.ceil(pending.length / 2);
      await settle(client, pending.slice(0, half), answers);
      await settle(client, pending.slice(half), answers);
      return;
    }
    for (const k of culprits) answers.set(pending[k]!.index, failed.find((r) => Number(r.contentId) - 1 === k)!);
    // The set was rolled back: everything else goes again.
    pending = pending.filter((_, k) => !culprits.has(k));
  }
}
