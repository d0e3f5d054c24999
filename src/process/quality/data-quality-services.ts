/** The data-quality commands and queries the API offers, built over one DataSource. */
import type { DataSource } from 'typeorm';
import type { EventBus } from '../events';
import { scanForDuplicates, type ScanOutcome } from '../merge/duplicate-scan';
import { DuplicateCandidateReadModel } from '../store/matching/duplicate-candidate.read-model';
import { MergeService } from '../merge/merge.service';
import { retryPartnerRecord } from '../partner/partner-retry';
import { PartnerUpserts } from '../partner/upsert-contacts';
import { QuarantineService } from './quarantine.service';
import { QuarantineReadModel } from '../store/quality/quarantine.read-model';
import { RuleAdmin } from './rules/rule-admin';

export interface DataQualityServices {
  rules: RuleAdmin;
  quarantine: QuarantineService;
  quarantineQueries: QuarantineReadModel;
  merges: MergeService;
  candidates: DuplicateCandidateReadModel;
  partner: PartnerUpserts;
  scanDuplicates(): Promise<ScanOutcome>;
}

/** @param events where quarantine changes are announced (QuarantineChanged subscriptions). */
export function createDataQualityServices(db: DataSource, events: EventBus): DataQualityServices {
  return {
    rules: new RuleAdmin(db),
    quarantine: new QuarantineService(db, events, retryPartnerRecord),
    quarantineQueries: new QuarantineReadModel(db),
    merges: new MergeService(db),
    candidates: new DuplicateCandidateReadModel(db),
    partner: new PartnerUpserts(db, events),
    scanDuplicates: () => scanForDuplicates(db),
  };
}
