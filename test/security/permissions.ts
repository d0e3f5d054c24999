/**
 * Who may run each contract operation (SPEC §4 and src/experience/auth/roles.ts), as data:
 * every operation built or being built, including those still pending, so the matrix covers
 * each one as soon as it leaves schema/contract-pending.txt.
 */
import type { Role } from '../../src/process/access';

const READ: Role[] = ['VIEWER', 'OPERATOR', 'ADMIN'];
const RECORDS: Role[] = ['VIEWER', 'PARTNER', 'OPERATOR', 'ADMIN'];
const OPERATE: Role[] = ['OPERATOR', 'ADMIN'];
const ADMIN: Role[] = ['ADMIN'];
/**
 * SPEC §4 names PARTNER for upsertContacts; the partner-writes resolver also opens it to
 * OPERATOR (operators load data by hand). Recorded here as built; see the issue report.
 */
const PARTNER_WRITE: Role[] = ['PARTNER', 'OPERATOR', 'ADMIN'];

export const ALLOWED: Record<string, Role[]> = {
  Connections: READ,
  CreateConnection: ADMIN,
  StartConnect: ADMIN,
  TestConnection: OPERATE,
  ConnectionSetup: READ,
  ProvisionConnection: ADMIN,
  Contacts: RECORDS,
  Contact: RECORDS,
  Companies: RECORDS,
  TriggerSync: OPERATE,
  SyncRun: READ,
  SyncRuns: READ,
  SetFieldOwner: ADMIN,
  VerifyField: OPERATE,
  DeleteContact: OPERATE,
  RestoreContact: OPERATE,
  Quarantine: READ,
  RetryQuarantined: OPERATE,
  DiscardQuarantined: OPERATE,
  DuplicateCandidates: READ,
  MergeContacts: OPERATE,
  UndoMerge: OPERATE,
  // "ADMIN (+ connections, rules, keys)": the rules are an administrator's, reading included.
  ValidationRules: READ,
  UpsertContacts: PARTNER_WRITE,
  Health: READ,
  SyncErrors: READ,
  Alerts: READ,
  // The audit shows access figures (broad keys, failed authentications): administrators only.
  AuditReport: ADMIN,
  CreateApiKey: ADMIN,
  RevokeApiKey: ADMIN,
  HealthChanged: READ,
  SyncRunUpdated: READ,
  AlertRaised: READ,
  QuarantineChanged: READ,
  // Added 2026-12-07: the connection lifecycle (issue 13 item 6).
  Connection: READ,
  UpdateConnectionCredentials: ADMIN,
  PauseConnection: OPERATE,
  ResumeConnection: OPERATE,
  DeleteConnection: ADMIN,
  BlockingAlerts: READ,
  // Operator control (issue 17): settings and mappings change what is written into a CRM, like
  // updateConnection (ADMIN); alert rules and cancelling a run are operators' work; the audit
  // shows access figures (ADMIN, as auditReport).
  ConnectionSettings: READ,
  UpdateConnectionSettings: ADMIN,
  AlertRules: READ,
  UpdateAlertRule: OPERATE,
  FieldMappings: READ,
  SetFieldMappings: ADMIN,
  MappingHistory: READ,
  RollbackMapping: ADMIN,
  DataDictionary: READ,
  CancelSync: OPERATE,
  SyncRunLog: READ,
  RunAudit: ADMIN,
  AuditReports: ADMIN,
};

/** Roles whose keys may open a graphql-ws socket at all (subscriptions are VIEWER and up). */
export const WS_ROLES: Role[] = ['VIEWER', 'OPERATOR', 'ADMIN'];

export interface Fixtures {
  connectionId: string;
  contactId: string;
  otherContactId: string;
  syncRunId: string;
  missingId: string;
  revocableKeyId: () => Promise<string>;
  /** A fresh connection per call: a deletion must not take the shared one from the other cells. */
  deletableConnectionId: () => Promise<string>;
}

let n = 0;
/** Variables that make each operation run for real (unknown ids answer NOT_FOUND, which is fine). */
export async function variablesFor(name: string, f: Fixtures): Promise<Record<string, unknown>> {
  n++;
  switch (name) {
    case 'CreateConnection':
      return { input: { name: `matrix-${n}`, kind: 'SALESFORCE', baseUrl: 'http://127.0.0.1:9', credentials: { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' } } };
    case 'StartConnect':
      return { input: { name: `matrix-consent-${n}`, kind: 'SALESFORCE', baseUrl: 'http://127.0.0.1:9', clientId: 'junction-sandbox', clientSecret: 'sandbox-secret' } };
    case 'TestConnection':
    case 'ConnectionSetup':
    case 'ProvisionConnection':
    case 'Connection':
    case 'PauseConnection':
    case 'ResumeConnection':
      return { id: f.connectionId };
    case 'UpdateConnectionCredentials':
      return { id: f.connectionId, credentials: { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' } };
    case 'DeleteConnection':
      return { id: await f.deletableConnectionId() };
    case 'Contacts':
      return { first: 5 };
    case 'Contact':
    case 'DeleteContact':
    case 'RestoreContact':
      return { id: f.contactId };
    case 'Companies':
      return { first: 5 };
    case 'TriggerSync':
      return { connectionId: f.connectionId, mode: 'INCREMENTAL', dryRun: true };
    case 'SyncRun':
      return { id: f.syncRunId };
    case 'SyncRuns':
    case 'Quarantine':
    case 'SyncErrors':
      return { connectionId: f.connectionId, first: 5 };
    case 'UpdateAlertRule':
      return { id: f.missingId, input: { threshold: 1 } };
    case 'FieldMappings':
      return { connectionId: f.connectionId };
    case 'SetFieldMappings':
      // Nothing to change: refused as BAD_USER_INPUT once the caller is allowed in.
      return { connectionId: f.connectionId, entries: [] };
    case 'MappingHistory':
      return { connectionId: f.connectionId, first: 5 };
    case 'RollbackMapping':
      return { connectionId: f.connectionId, version: 99 };
    case 'SetFieldOwner':
      return { kind: 'CONTACT', field: 'phone', ownerConnectionId: f.connectionId };
    case 'VerifyField':
      return { contactId: f.contactId, field: 'email', verified: true };
    case 'RetryQuarantined':
      return { id: f.missingId };
    case 'DiscardQuarantined':
      return { id: f.missingId, reason: 'matrix test' };
    case 'DuplicateCandidates':
      return { first: 5 };
    case 'MergeContacts':
      return { masterId: f.missingId, duplicateIds: [f.otherContactId] };
    case 'UndoMerge':
      return { contactId: f.missingId };
    case 'ValidationRules':
      return { kind: 'CONTACT' };
    case 'UpsertContacts':
      return { input: [{ email: `matrix-${n}@example.com`, firstName: 'Matrix', lastName: `Row${n}` }], idempotencyKey: `matrix-${n}` };
    case 'Health':
      return { window: '24h' };
    case 'Alerts':
      return { active: true };
    case 'CreateApiKey':
      return { name: `matrix key ${n}`, role: 'VIEWER' };
    case 'RevokeApiKey':
      return { id: await f.revocableKeyId() };
    case 'ConnectionSettings':
      return { id: f.connectionId };
    case 'UpdateConnectionSettings':
      return { id: f.connectionId, settings: { bulkIngestThreshold: 5000 } };
    case 'CancelSync':
      return { runId: f.missingId };
    case 'SyncRunLog':
      return { id: f.syncRunId };
    case 'AuditReports':
      return { first: 5 };
    case 'HealthChanged':
    case 'SyncRunUpdated':
      return { connectionId: f.connectionId };
    default:
      return {};
  }
}
