import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { AuditReport as AuditReportData } from '../../process';
import type { ChangeDirection as AuditChangeValue, AuditRecord, AuditStatus } from '../../process';
import { ApiKey } from '../access/api-key.type';
import { AuditChangeEnum, AuditStatusEnum } from '../common/enums';
import { RelayConnectionType } from '../common/relay';
import { DateTimeScalar, JSONScalar } from '../common/scalars';

@ObjectType()
export class DataQualityReport {
  @Field(() => Int) totalContacts!: number;
  @Field(() => Float, { description: 'Share of contacts that repeat another live contact\'s email.' }) duplicateRate!: number;
  @Field(() => Float, { description: 'Share missing email or last name.' }) missingRequiredRate!: number;
  @Field(() => Float) invalidEmailRate!: number;
  @Field(() => Float, { description: 'Share unchanged for 180 days.' }) staleRate!: number;
}

@ObjectType({ description: 'The store against one CRM, record by record: the silent failures.' })
export class ConnectionDiscrepancy {
  connectionId!: string;
  @Field(() => Int, { description: 'Live in the store, gone from the CRM with no delete event.' }) missingRemotely!: number;
  @Field(() => Int, { description: 'In the CRM, never in the store and not in quarantine.' }) missingLocally!: number;
  @Field(() => Int, { description: 'Values that differ between the CRM and the store with no delivery pending.' }) fieldMismatches!: number;
  @Field(() => JSONScalar, { description: 'Up to 50 examples: { kind, remoteType, remoteId, recordId, field, store, crm }.' }) examples!: unknown;
  @Field(() => String, { nullable: true, description: 'Why the CRM could not be read; the counts are then not a clean bill.' }) error!: string | null;
}

@ObjectType()
export class AccessReport {
  @Field(() => Int, { description: 'Live ADMIN and OPERATOR keys.' }) apiKeysWithBroadRoles!: number;
  @Field(() => Int, { nullable: true, description: 'Null when failed authentications are not persisted.' }) failedAuthLast24h!: number | null;
  @Field(() => [ApiKey], { description: 'Live keys (any role) neither used nor created in the last 90 days, longest idle first: revoke candidates.' })
  unusedApiKeys!: ApiKey[];
}

@ObjectType()
export class CredentialExpiry {
  connectionId!: string;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt!: Date | null;
  @Field({ description: '`credentials` (settings.credentialsExpireAt), `refresh token` (as the CRM said), `access token` or `unknown`: whichever of the first two comes first, else the access token.' }) source!: string;
}

@ObjectType()
export class AuditPlanItem {
  @Field(() => Int, { description: '30, 60 or 90.' }) horizonDays!: number;
  @Field() action!: string;
}

@ObjectType({ description: 'The quarterly audit (SPEC §3).' })
export class AuditReport {
  @Field(() => DateTimeScalar) generatedAt!: Date;
  @Field(() => DataQualityReport) dataQuality!: DataQualityReport;
  @Field(() => [ConnectionDiscrepancy]) discrepancies!: ConnectionDiscrepancy[];
  @Field(() => AccessReport) access!: AccessReport;
  @Field(() => [CredentialExpiry]) tokens!: CredentialExpiry[];
  @Field(() => [AuditPlanItem]) plan!: AuditPlanItem[];
}

export function toAuditReport(r: AuditReportData): AuditReport {
  return {
    generatedAt: r.generatedAt,
    dataQuality: r.dataQuality,
    discrepancies: r.discrepancies.map((d) => ({ connectionId: d.connectionId, missingRemotely: d.missingRemotely, missingLocally: d.missingLocally, fieldMismatches: d.fieldMismatches, examples: d.examples, error: d.error })),
    access: {
      apiKeysWithBroadRoles: r.access.apiKeysWithBroadRoles,
      failedAuthLast24h: r.access.failedAuthLast24h,
      unusedApiKeys: r.access.unusedKeys.map((k) => ({ ...k, role: k.role as ApiKey['role'], revokedAt: null })),
    },
    tokens: r.tokens.map((t) => ({ connectionId: t.connectionId, expiresAt: t.expiresAt, source: t.source })),
    plan: r.plan.map((p) => ({ horizonDays: p.horizonDays, action: p.action })),
  };
}

@ObjectType({ description: 'One figure of a report beside the previous report.' })
export class AuditFigureChange {
  @Field({ description: 'Stable key: `duplicateRate`, `fieldMismatches:<connectionId>`, …' }) measure!: string;
  @Field() label!: string;
  @Field(() => Float) before!: number;
  @Field(() => Float) after!: number;
  @Field(() => AuditChangeEnum) direction!: AuditChangeValue;
}

@ObjectType({ description: 'What improved and what got worse since the previous successful audit.' })
export class AuditComparison {
  @Field(() => ID) previousId!: string;
  @Field(() => DateTimeScalar, { description: 'When the previous report was generated.' }) previousAt!: Date;
  @Field(() => [AuditFigureChange]) changes!: AuditFigureChange[];
  @Field(() => [AuditFigureChange]) improved!: AuditFigureChange[];
  @Field(() => [AuditFigureChange]) worsened!: AuditFigureChange[];
}

@ObjectType({ description: 'An audit of the history (runAudit, or the schedule): its state and, once it SUCCEEDED, its report.' })
export class Audit {
  @Field(() => ID) id!: string;
  @Field(() => AuditStatusEnum) status!: AuditStatus;
  @Field({ description: '`API` (runAudit), `SCHEDULE` or `CLI`.' }) trigger!: string;
  @Field(() => DateTimeScalar, { description: 'When it was asked for.' }) queuedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When a worker started it; null while QUEUED.' }) startedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) finishedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Why it FAILED.' }) error!: string | null;
  @Field(() => DataQualityReport, { nullable: true, description: 'Null until it SUCCEEDED; so are the other report sections.' }) dataQuality!: DataQualityReport | null;
  @Field(() => [ConnectionDiscrepancy]) discrepancies!: ConnectionDiscrepancy[];
  @Field(() => AccessReport, { nullable: true }) access!: AccessReport | null;
  @Field(() => [CredentialExpiry]) tokens!: CredentialExpiry[];
  @Field(() => [AuditPlanItem], { description: 'The 30/60/90-day plan, following up on what did not improve since the previous audit.' }) plan!: AuditPlanItem[];
  @Field(() => AuditComparison, { nullable: true, description: 'Null for the first successful audit (nothing to compare with) and until it SUCCEEDED.' }) comparison!: AuditComparison | null;
  @Field(() => String, { nullable: true, description: 'Path of the Markdown download (same API key, ADMIN); `.csv` and `.json` beside it. Null until it SUCCEEDED.' })
  markdownPath!: string | null;
}

@ObjectType()
export class AuditConnection extends RelayConnectionType('Audit', Audit) {}

export function toAudit({ audit, report }: AuditRecord): Audit {
  const r = report ? toAuditReport(report) : null;
  const c = report?.comparison ?? null;
  return {
    id: audit.id,
    status: audit.status,
    trigger: audit.trigger,
    queuedAt: audit.createdAt,
    startedAt: audit.startedAt,
    finishedAt: audit.finishedAt,
    error: audit.error,
    dataQuality: r?.dataQuality ?? null,
    discrepancies: r?.discrepancies ?? [],
    access: r?.access ?? null,
    tokens: r?.tokens ?? [],
    plan: r?.plan ?? [],
    comparison: c && {
      previousId: c.previousId,
      previousAt: c.previousAt,
      changes: c.changes,
      improved: c.changes.filter((x) => x.direction === 'IMPROVED'),
      worsened: c.changes.filter((x) => x.direction === 'WORSENED'),
    },
    markdownPath: report ? `/audits/${audit.id}.md` : null,
  };
}
