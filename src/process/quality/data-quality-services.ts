/** The data-quality commands and queries the API offers, built over one DataSource. */
import type { DataSource } from 'typeorm';
import { scanForDuplicates, type ScanOutcome } from '../merge/duplicate-scan';
import { DuplicateCandidateQueries } from '../matching/duplicate-candidate.queries';
import { MergeService } from '../merge/merge.service';
import { retryPartnerRecord } from '../partner/partner-retry';
import { PartnerUpserts } from '../partner/upsert-contacts';
import { QuarantineQueries } from './quarantine.queries';
import { QuarantineService } from './quarantine.service';
import { RuleAdmin } from './rules/rule-admin';

export interface DataQualityServices {
  rules: RuleAdmin;
  quarantine: QuarantineService;
  quarantineQueries: QuarantineQueries;
  merges: MergeService;
  candidates: DuplicateCandidateQueries;
  partner: PartnerUpserts;
  scanDuplicates(): Promise<ScanOutcome>;
}

export function createDataQualityServices(db: DataSource): DataQualityServices {
  return {
    rules: new RuleAdmin(db),
    quarantine: new QuarantineService(db, retryPartnerRecord),
    quarantineQueries: new QuarantineQueries(db),
    merges: new MergeService(db),
    candidates: new DuplicateCandidateQueries(db),
    partner: new PartnerUpserts(db),
    scanDuplicates: () => scanForDuplicates(db),
  };
}
