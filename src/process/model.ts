/** The unified record model: what every CRM's contacts and companies become. */
export const CONTACT_FIELDS = ['email', 'firstName', 'lastName', 'phone', 'title', 'linkedinUrl', 'city', 'state', 'country', 'postalCode', 'lifecycleStage'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export const COMPANY_FIELDS = ['name', 'domain', 'country'] as const;
export type CompanyField = (typeof COMPANY_FIELDS)[number];

export type RecordKind = 'CONTACT' | 'COMPANY';
export type LifecycleStage = 'LEAD' | 'CONTACT';
export type UnifiedValue = string | null;

/** How an inbound contact names its company: by a linked remote record, or by name. */
export type CompanyRef = { remoteType: string; remoteId: string } | { name: string };

export interface MappedContact {
  kind: 'CONTACT';
  values: Partial<Record<ContactField, UnifiedValue>>;
  company?: CompanyRef;
  /** Set when the vendor converted this record into another (a Salesforce Lead into a Contact). */
  convertedTo?: { remoteType: string; remoteId: string };
  custom: Record<string, unknown>;
}

export interface MappedCompany {
  kind: 'COMPANY';
  values: Partial<Record<CompanyField, UnifiedValue>>;
  custom: Record<string, unknown>;
}

export type MappedRecord = MappedContact | MappedCompany;

/** A problem with one record, reported to the quarantine queue. */
export interface RecordIssue {
  field: string;
  rule: string;
  message: string;
}
