/**
 * Salesforce org settings that change which fields Junction writes. State and country
 * picklists are org-wide: once an admin turns them on, every standard address has its
 * `…StateCode`/`…CountryCode` picklists (crm-wire.md §6.1 item 5), so one object's describe
 * tells for all.
 */
export const STATE_PICKLISTS = 'statePicklists';
