/**
 * Bulk API 2.0 job records (crm-wire.md §1.7): ingest jobs keep their uploaded CSV and,
 * once processed, their result CSVs; query jobs keep the rows their SOQL selected.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm
 */
import { formatSfDateTime } from '../dates';
import { IdFactory } from './ids';
import { USER_ID, type ObjectName } from './schema';
import type { SRecord } from './store';

export const DELIMITERS = { COMMA: ',', TAB: '\t', PIPE: '|', SEMICOLON: ';', CARET: '^', BACKQUOTE: '`' } as const;
export type ColumnDelimiter = keyof typeof DELIMITERS;
export type LineEnding = 'LF' | 'CRLF';
export const INGEST_OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const;
export type IngestOperation = (typeof INGEST_OPERATIONS)[number];

interface JobBase {
  id: string;
  object: ObjectName;
  createdAt: number;
  modifiedAt: number;
  apiVersion: string;
  lineEnding: LineEnding;
  columnDelimiter: ColumnDelimiter;
}

export interface IngestJob extends JobBase {
  kind: 'ingest';
  operation: IngestOperation;
  externalIdFieldName?: string;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  uploads: string[];
  results?: { successful: string; failed: string; unprocessed: string };
  processed: number;
  failed: number;
  errorMessage?: string;
}

export interface QueryJob extends JobBase {
  kind: 'query';
  operation: 'query' | 'queryAll';
  query: string;
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  columns: string[];
  rows: SRecord[];
}

export class BulkJobs {
  readonly ingest = new Map<string, IngestJob>();
  readonly query = new Map<string, QueryJob>();
  /** Jobs created since reset, for `/limits` (deleting a job does not refund the daily budget). */
  readonly created = { ingest: 0, query: 0 };
  private ids = new IdFactory('5g0');

  nextId(kind: 'ingest' | 'query'): string {
    this.created[kind]++;
    return this.ids.next('750');
  }

  reset(): void {
    this.created.ingest = 0;
    this.created.query = 0;
    this.ingest.clear();
    this.query.clear();
    this.ids.reset();
  }
}

function baseInfo(job: JobBase): Record<string, unknown> {
  return {
    id: job.id,
    object: job.object,
    createdById: USER_ID,
    createdDate: formatSfDateTime(job.createdAt),
    systemModstamp: formatSfDateTime(job.modifiedAt),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    retries: 0,
    totalProcessingTime: 0,
  };
}

/** JobInfo as Salesforce returns it; `operation` must be echoed (jsforce reads it). */
export function ingestInfo(job: IngestJob): Record<string, unknown> {
  return {
    ...baseInfo(job),
    operation: job.operation,
    state: job.state,
    ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches`,
    jobType: 'V2Ingest',
    numberRecordsProcessed: job.processed,
    numberRecordsFailed: job.failed,
    apexProcessingTime: 0,
    apiActiveProcessingTime: 0,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  };
}

export function queryInfo(job: QueryJob): Record<string, unknown> {
  return {
    ...baseInfo(job),
    operation: job.operation,
    state: job.state,
    jobType: 'V2Query',
    isPkChunkingSupported: true,
    numberRecordsProcessed: job.state === 'JobComplete' ? job.rows.length : 0,
  };
}

export const lineBreak = (e: LineEnding): string => (e === 'CRLF' ? '\r\n' : '\n');
