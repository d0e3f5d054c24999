/**
 * What a page of records goes through the inbound pipeline with, and what becomes of each
 * record. A page has one source: a CRM connection (a sync run's page, or a quarantined record
 * of it retried) or a partner system (source kind PARTNER: a partner's upsert batch, or a
 * quarantined partner record retried). Every unified record is written this one way.
 */
import type { EventBus } from '../../events';
import type { ExactKey } from '../../matching/exact-keys';
import type { LaterProposals } from '../../matching/later-proposals';
import type { RecordMapper } from '../../mapping/field-map';
import type { RecordIssue, UnifiedValue } from '../../model';
import type { ValidationRule } from '../../quality/rules';
import type { ResolutionRules } from '../../resolve/field-resolver';
import type { PlannedChange } from '../../store/entities';

/** What the pipeline needs of a mapper: the vendor fields it reads and how they become a unified record. */
export type InboundMapper = Pick<RecordMapper, 'kind' | 'remoteType' | 'remoteFields' | 'toUnified'>;

interface PageContext {
  mapper: InboundMapper;
  rules: ResolutionRules;
  /** Where quarantine changes are announced (filed and resolved entries). */
  events: EventBus;
  /** When given (dry runs), each record's outcome and values are collected here. */
  planned?: PlannedChange[];
  /** The validation rules; loaded once per page when not given. */
  validationRules?: readonly ValidationRule[];
  /** When given (a sync run's pages), new contacts' fuzzy duplicates are proposed after the page commits; otherwise inside it. */
  proposals?: LaterProposals;
}

/**
 * A page read from a CRM connection. Its records are linked to their remote records (source
 * links: echo suppression, deletes, conversions), a refused change is written back to that CRM,
 * and a quarantined record is logged against the run.
 */
export interface CrmPageContext extends PageContext {
  connectionId: string;
  runId: string;
}

/**
 * A partner batch: a page from a source of kind PARTNER, which has no connection. Provenance
 * names no connection (NULL), no source links are read or written, the outbox queues every
 * CRM, a partner's company replaces the one a matched contact holds, and a quarantined record
 * is filed as the partner sent it (remote type `partner`, no remote id).
 */
export interface PartnerPageContext extends PageContext {
  connectionId: null;
  /**
   * False when the page retries a quarantined partner record: its entry is settled by the
   * retry (quarantine.service.ts), so a record that fails again is reported, not filed anew.
   */
  fileQuarantine?: boolean;
}

export type InboundContext = CrmPageContext | PartnerPageContext;

export type RecordResult = 'applied' | 'unchanged' | 'quarantined' | 'deleted';

/** What became of one record of a page. */
export interface RecordApplied {
  result: RecordResult;
  /** The unified record it was applied to (applied, or unchanged after a match). */
  recordId?: string;
  /** The exact key (email, phone, linkedinUrl) an unlinked contact was matched on; absent for a linked or new record. */
  matchedOn?: ExactKey;
  /** Its unified values: as stored once it was applied (applied, unchanged), or as read and normalized (quarantined). */
  values?: Readonly<Record<string, UnifiedValue>>;
  /** The values it set (all of a new record's, the changed ones of an existing record's). */
  changes?: Record<string, UnifiedValue>;
  /** Why it was quarantined. */
  issues: RecordIssue[];
}
