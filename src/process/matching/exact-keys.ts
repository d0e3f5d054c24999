/**
 * Exact-key matching (SPEC §3): a person already known by normalized email, E.164 phone or
 * canonical LinkedIn URL — from any CRM, a partner, or another record of the same CRM — is the
 * same person. Keys are tried in this order; the oldest live contact wins (sync/inbound/page-index.ts).
 * The bulk duplicate scan merges contacts that share one (merge/duplicate-scan.ts).
 */
import type { ContactField } from '../model';

/** Each key's unified field and its column. */
export const EXACT_KEYS = [
  ['email', 'email'],
  ['phone', 'phone'],
  ['linkedinUrl', 'linkedin_url'],
] as const satisfies ReadonlyArray<readonly [ContactField, string]>;

/** A field two contacts are matched on. */
export type ExactKey = (typeof EXACT_KEYS)[number][0];
