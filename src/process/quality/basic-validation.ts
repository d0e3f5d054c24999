/**
 * The default rules every record must pass before it is stored (SPEC §3 defaults):
 * CONTACT — email REQUIRED and FORMAT, lastName REQUIRED; COMPANY — name REQUIRED.
 * Every failing rule is reported, not only the first.
 */
import type { MappedRecord, RecordIssue } from '../model';

// Pragmatic address check: one @, a dotted domain, no spaces (RFC 5322 in full accepts far more than CRMs do).
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

export function validateRecord(record: MappedRecord): RecordIssue[] {
  const issues: RecordIssue[] = [];
  if (record.kind === 'CONTACT') {
    const { email, lastName } = record.values;
    if (!email) issues.push({ field: 'email', rule: 'REQUIRED', message: 'email is required' });
    else if (!EMAIL.test(email)) issues.push({ field: 'email', rule: 'FORMAT', message: `"${email}" is not a valid email address` });
    if (!lastName) issues.push({ field: 'lastName', rule: 'REQUIRED', message: 'lastName is required' });
  } else if (!record.values.name) {
    issues.push({ field: 'name', rule: 'REQUIRED', message: 'name is required' });
  }
  return issues;
}
