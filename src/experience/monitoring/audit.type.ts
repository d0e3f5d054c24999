import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { AuditReport as AuditReportData } from '../../process';
import { ApiKey } from '../access/api-key.type';
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
  @Field({ description: '`credentials` (settings.credentialsExpireAt), `access token` or `unknown`.' }) source!: string;
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
    plan: r.plan,
  };
}
