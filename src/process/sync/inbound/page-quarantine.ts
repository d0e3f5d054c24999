/**
 * A record of a page that cannot be applied waits in the quarantine queue with every issue,
 * and the page goes on. What is kept is what a retry replays: a CRM record's vendor fields
 * with its type and stamp (and the adapter's note on a malformed one), a partner's record as
 * the partner sent it.
 */
import type { EntityManager } from 'typeorm';
import type { RemoteRecord } from '../../../system';
import { logError } from '../../health/error-log';
import type { RecordIssue } from '../../model';
import { publishQuarantineChanged } from '../../quality/quarantine-events';
import { quarantineRecord } from '../../store/quality/quarantine.repository';
import type { InboundContext, RecordApplied } from './inbound-context';

export async function quarantine(m: EntityManager, ctx: InboundContext, record: RemoteRecord, issues: RecordIssue[]): Promise<RecordApplied> {
  const quarantined: RecordApplied = { result: 'quarantined', issues };
  if (ctx.connectionId === null && ctx.fileQuarantine === false) return quarantined;
  const entry = await quarantineRecord(m, {
    connectionId: ctx.connectionId,
    recordKind: ctx.mapper.kind,
    remoteType: ctx.mapper.remoteType,
    remoteId: record.remoteId || null,
    payload: ctx.connectionId === null ? { ...record.fields } : crmPayload(record),
    issues,
  });
  if (entry.discarded) return quarantined;
  if (!ctx.planned) publishQuarantineChanged({ id: entry.id, status: 'PENDING', remoteId: record.remoteId || null, issues }, ctx.events);
  // A CRM's quarantined record is also an error of the run that read it.
  if (ctx.connectionId === null) return quarantined;
  const dataFormat = issues.some((i) => i.rule === 'DATA_FORMAT');
  await logError(m, {
    connectionId: ctx.connectionId,
    runId: ctx.runId,
    errorClass: dataFormat ? 'DATA_FORMAT' : 'VALIDATION',
    code: dataFormat ? 'MALFORMED_RECORD' : `RULE_${issues[0]!.rule}`,
    message: `${ctx.mapper.remoteType} ${record.remoteId || '(no id)'} quarantined: ${issues.map((i) => i.message).join('; ')}`,
    recordIds: record.remoteId ? [record.remoteId] : [],
  });
  return quarantined;
}

/** The adapter's note on a malformed record is kept beside the fields, as `__malformed`, like the record's type and stamp. */
function crmPayload(record: RemoteRecord): Record<string, unknown> {
  return { ...record.fields, ...(record.malformed === undefined ? {} : { __malformed: record.malformed }), __remoteType: record.remoteType, __modifiedAt: record.modifiedAt };
}
