import { InitialSchema1732600000000 } from './1732600000000-initial-schema';
import { DataQuality1732700000002 } from './1732700000002-data-quality';
import { Resilience1732700000003 } from './1732700000003-resilience';
import { AlertRules1732700000004 } from './1732700000004-alert-rules';
import { AuthFailures1732700000005 } from './1732700000005-auth-failures';
import { RunJobs1732700000010 } from './1732700000010-run-jobs';
import { RejectedChanges1732700000011 } from './1732700000011-rejected-changes';
import { MappingPerConnection1732700000012 } from './1732700000012-mapping-per-connection';
import { CustomFieldIndex1732700000016 } from './1732700000016-custom-field-index';
import { OlderRejections1732700000017 } from './1732700000017-older-rejections';
import { FuzzyBlockIndex1732700000018 } from './1732700000018-fuzzy-block-index';
import { ContactsListingIndex1732700000019 } from './1732700000019-contacts-listing-index';
import { ConnectionLifecycle1732700000020 } from './1732700000020-connection-lifecycle';
import { KnownState1732700000021 } from './1732700000021-known-state';
import { SyncBlocks1732700000022 } from './1732700000022-sync-blocks';
import { HealthWindowIndexes1732700000024 } from './1732700000024-health-window-indexes';
import { KeyExpiryAndFailureCounts1732700000025 } from './1732700000025-key-expiry-and-failure-counts';
import { ConnectionKindsFromRegistry1732700000026 } from './1732700000026-connection-kinds-from-registry';
import { AlertRulesAsData1732700000030 } from './1732700000030-alert-rules-as-data';
import { AuditReports1732700000031 } from './1732700000031-audit-reports';
import { CallFailures1732700000032 } from './1732700000032-call-failures';
import { FieldMappingVersions1732700000033 } from './1732700000033-field-mapping-versions';
import { ApiKeyExpiryAlert1732700000034 } from './1732700000034-api-key-expiry-alert';
import { RunControl1732700000035 } from './1732700000035-run-control';
import { ScheduledFullRuns1732700000036 } from './1732700000036-scheduled-full-runs';
import { RefreshTokenExpiry1732700000039 } from './1732700000039-refresh-token-expiry';
import { PendingConsents1732700000041 } from './1732700000041-pending-consents';
import { RunNotifiedWhileRunning1732700000043 } from './1732700000043-run-notified-while-running';
import { RecordProvenance1732700000044 } from './1732700000044-record-provenance';
import { DropLastNameIndex1732700000045 } from './1732700000045-drop-last-name-index';

/** Every migration, in order. Listed explicitly so builds and tests need no glob loading. */
export const MIGRATIONS = [
  InitialSchema1732600000000,
  DataQuality1732700000002,
  Resilience1732700000003,
  AlertRules1732700000004,
  AuthFailures1732700000005,
  RunJobs1732700000010,
  RejectedChanges1732700000011,
  MappingPerConnection1732700000012,
  CustomFieldIndex1732700000016,
  OlderRejections1732700000017,
  FuzzyBlockIndex1732700000018,
  ContactsListingIndex1732700000019,
  ConnectionLifecycle1732700000020,
  KnownState1732700000021,
  SyncBlocks1732700000022,
  HealthWindowIndexes1732700000024,
  KeyExpiryAndFailureCounts1732700000025,
  ConnectionKindsFromRegistry1732700000026,
  AlertRulesAsData1732700000030,
  AuditReports1732700000031,
  CallFailures1732700000032,
  FieldMappingVersions1732700000033,
  ApiKeyExpiryAlert1732700000034,
  RunControl1732700000035,
  ScheduledFullRuns1732700000036,
  RefreshTokenExpiry1732700000039,
  PendingConsents1732700000041,
  RunNotifiedWhileRunning1732700000043,
  RecordProvenance1732700000044,
  DropLastNameIndex1732700000045,
];
