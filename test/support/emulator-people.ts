/**
 * The people a CRM emulator holds, read through its admin API (`GET /_emulator/records/:object`):
 * one lower-cased email per live record, so a person written twice shows twice.
 */
type Row = Record<string, unknown> & { properties?: Record<string, unknown> };

/** Each CRM's person objects and where a record keeps its email and its deletion (vendor wire shapes). */
const PEOPLE: Record<string, { objects: string[]; email: (r: Row) => unknown; live: (r: Row) => boolean }> = {
  SALESFORCE: { objects: ['Lead', 'Contact'], email: (r) => r.Email, live: (r) => r.IsDeleted !== true },
  HUBSPOT: { objects: ['contacts'], email: (r) => r.properties?.email, live: (r) => r.archived !== true },
  DYNAMICS: { objects: ['contacts'], email: (r) => r.emailaddress1, live: (r) => r.statecode !== 1 },
};

export async function emulatorPeople(kind: string, url: string): Promise<string[]> {
  const crm = PEOPLE[kind];
  if (!crm) throw new Error(`no person objects known for ${kind}`);
  const emails: string[] = [];
  for (const object of crm.objects) {
    const res = await fetch(`${url}/_emulator/records/${object}`);
    if (!res.ok) throw new Error(`${kind} emulator answered ${res.status} for ${object}`);
    for (const row of (await res.json()) as Row[]) if (crm.live(row)) emails.push(String(crm.email(row)).toLowerCase());
  }
  return emails.sort();
}
