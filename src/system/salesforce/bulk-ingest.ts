/**
 * Large deliveries through Bulk API 2.0 ingest (crm-wire.md §1.7): create a job, PUT the CSV
 * once, PATCH `UploadComplete`, poll, then read `successfulResults` / `failedResults` and
 * match each row back to its record. Unlinked records go in an `upsert` job on
 * Junction_Id__c; linked ones in an `update` job by Id (a record a person created in
 * Salesforce has no Junction id yet, and an upsert on it would create a duplicate).
 *
 * Job creation is not idempotent: a create whose answer was lost, or a run retried after a
 * crash, makes a second job with the same rows. That is safe because every row is keyed
 * (upsert on the external id, update by Id): running a job twice writes the same values to
 * the same records and creates nothing twice.
 * https://developer.salesforce.com/docs/platform/api-asynch/guide/bulk-api-2-0.html
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { SystemError } from '../errors';
import type { OutboundRecord, RemoteValue, WriteResult } from '../system-api';
import { waitForJob } from './bulk-export';
import type { SalesforceRest } from './client';
import { SALESFORCE_DESCRIPTOR } from './descriptor';
import { assertApiName } from './normalize';
import { BulkJobInfo, parseWire } from './types';
import { classifyCode } from './wire';
import { writable } from './writes';

const EXT = SALESFORCE_DESCRIPTOR.externalIdField;
/** Salesforce processes ingest data in internal batches of about 10,000 records. */
export const INGEST_JOB_RECORDS = 10_000;
/** One upload per job, at most 150 MB once base64-encoded: about 100 MB of CSV. */
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

type Indexed = { record: OutboundRecord; index: number };
type Row = Record<string, string>;

export async function bulkUpsertRecords(rest: SalesforceRest, remoteType: string, records: OutboundRecord[]): Promise<WriteResult[]> {
  assertApiName(remoteType);
  const results: WriteResult[] = new Array(records.length);
  const indexed = records.map((record, index) => ({ record, index }));
  const linked = indexed.filter((x) => x.record.remoteId);
  const unlinked = indexed.filter((x) => !x.record.remoteId);
  for (let i = 0; i < linked.length; i += INGEST_JOB_RECORDS) await runJob(rest, remoteType, 'update', linked.slice(i, i + INGEST_JOB_RECORDS), results);
  for (let i = 0; i < unlinked.length; i += INGEST_JOB_RECORDS) await runJob(rest, remoteType, 'upsert', unlinked.slice(i, i + INGEST_JOB_RECORDS), results);
  return results;
}

/** In Bulk CSV an empty cell leaves a field alone; `#N/A` sets it to null. */
function cell(v: RemoteValue | undefined): string {
  if (v === undefined) return '';
  if (v === null || v === '') return '#N/A';
  return String(v);
}

function toCsv(part: Indexed[], operation: 'update' | 'upsert'): string {
  const rows = part.map(({ record }) => ({ ...writable(record.fields), [EXT]: record.junctionId, ...(operation === 'update' ? { Id: record.remoteId! } : {}) }) as Record<string, RemoteValue>);
  const columns: string[] = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  return stringify(
    rows.map((row) => columns.map((c) => cell(row[c]))),
    { header: true, columns, quoted: true, record_delimiter: '\n' },
  );
}

async function runJob(rest: SalesforceRest, remoteType: string, operation: 'update' | 'upsert', part: Indexed[], results: WriteResult[]): Promise<void> {
  const csv = toCsv(part, operation);
  if (Buffer.byteLength(csv) > MAX_UPLOAD_BYTES && part.length > 1) {
    const half = Math.ceil(part.length / 2);
    await runJob(rest, remoteType, operation, part.slice(0, half), results);
    await runJob(rest, remoteType, operation, part.slice(half), results);
    return;
  }
  const created = await rest.call({
    method: 'POST',
    path: '/jobs/ingest',
    body: { object: remoteType, operation, ...(operation === 'upsert' ? { externalIdFieldName: EXT } : {}), contentType: 'CSV', lineEnding: 'LF', columnDelimiter: 'COMMA' },
    // Not retried after a lost answer (that would leave an orphan job); the keyed rows make a later run safe.
    idempotent: false,
  });
  const job = parseWire(BulkJobInfo, created.body, 'bulk ingest job info');
  try {
    await upload(rest, job.id, csv);
    await close(rest, job.id);
    await waitForJob(rest, 'ingest', job.id);
    const key = operation === 'update' ? 'Id' : EXT;
    const byKey = new Map(part.map((x) => [operation === 'update' ? x.record.remoteId! : x.record.junctionId, x]));
    for (const row of await resultRows(rest, job.id, 'successfulResults')) {
      const x = byKey.get(row[key] ?? '');
      if (x) results[x.index] = { junctionId: x.record.junctionId, ok: true, remoteId: row.sf__Id || x.record.remoteId, created: row.sf__Created === 'true' };
    }
    for (const row of await resultRows(rest, job.id, 'failedResults')) {
      const x = byKey.get(row[key] ?? '');
      if (x) results[x.index] = failure(x.record, row.sf__Id, row.sf__Error ?? '');
    }
    for (const x of part) {
      results[x.index] ??= {
        junctionId: x.record.junctionId,
        ok: false,
        error: { errorClass: 'SERVER', code: 'UNPROCESSED', message: `bulk ingest job ${job.id} reported no result for this record` },
      };
    }
  } finally {
    // Jobs in a terminal state are deleted after 7 days anyway; cleaning up is courtesy.
    await rest.call({ method: 'DELETE', path: `/jobs/ingest/${job.id}` }).catch(() => undefined);
  }
}

/**
 * One PUT per job: Salesforce refuses a second with "Found multiple contents for job". The PUT
 * is retried after a lost answer, and since Junction uploads once, that refusal can only
 * mean the first attempt landed.
 */
async function upload(rest: SalesforceRest, jobId: string, csv: string): Promise<void> {
  try {
    await rest.call({ method: 'PUT', path: `/jobs/ingest/${jobId}/batches`, rawBody: csv, contentType: 'text/csv' });
  } catch (err) {
    if (!(err instanceof SystemError && /multiple contents/i.test(err.message))) throw err;
  }
}

/** A retried close that finds the job already past `Open` has done its work. */
async function close(rest: SalesforceRest, jobId: string): Promise<void> {
  try {
    await rest.call({ method: 'PATCH', path: `/jobs/ingest/${jobId}`, body: { state: 'UploadComplete' } });
  } catch (err) {
    const info = parseWire(BulkJobInfo, (await rest.get(`/jobs/ingest/${jobId}`)).body, 'bulk ingest job info');
    if (info.state === 'Open' || info.state === 'Aborted' || info.state === 'Failed') throw err;
  }
}

async function resultRows(rest: SalesforceRest, jobId: string, which: 'successfulResults' | 'failedResults'): Promise<Row[]> {
  const answer = await rest.get<string>(`/jobs/ingest/${jobId}/${which}`, { accept: 'text/csv' });
  if (typeof answer.body !== 'string' && answer.body !== undefined) throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `bulk ${which} were not CSV`);
  try {
    return parse(answer.body ?? '', { columns: true, skip_empty_lines: true, bom: true }) as Row[];
  } catch (err) {
    throw new SystemError('DATA_FORMAT', 'MALFORMED_CSV', `bulk ${which} did not parse as CSV: ${(err as Error).message}`, {}, { cause: err });
  }
}

/** `sf__Error` reads `STATUS_CODE:message:field1,field2 --`. */
function failure(record: OutboundRecord, sfId: string | undefined, sfError: string): WriteResult {
  const m = /^([A-Z_]+):(.*?)(?::([\w,]*))?\s*--\s*$/s.exec(sfError.trim());
  const code = m?.[1] ?? 'UNKNOWN';
  const fields = m?.[3] ? m[3].split(',').filter(Boolean) : [];
  return {
    junctionId: record.junctionId,
    ok: false,
    ...(sfId || record.remoteId ? { remoteId: sfId || record.remoteId } : {}),
    error: { errorClass: classifyCode(code), code, message: m?.[2] || sfError || 'failed in bulk ingest', ...(fields.length ? { fields } : {}) },
  };
}
