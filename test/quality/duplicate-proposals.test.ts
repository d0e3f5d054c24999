/**
 * Fuzzy proposals at ingest keep the best few per new contact: a name shared by many people
 * at one employer proposes PROPOSALS_PER_CONTACT pairs, best scores first, not one per person.
 */
import { describe, expect, it } from 'vitest';
import { PROPOSALS_PER_CONTACT, proposeDuplicatesForMany } from '../../src/process/matching/duplicate-candidates';
import { insertCompany, insertContact } from '../support/builders';
import { useDatabase } from '../support/database';

describe('fuzzy proposals at ingest', () => {
  const db = useDatabase();

  it(`stores at most ${PROPOSALS_PER_CONTACT} proposals for a new contact, the best scores first`, async () => {
    const ds = db.dataSource;
    const acme = await insertCompany(ds, { name: 'Acme Inc.', name_key: 'acme' });
    const exact: string[] = [];
    // Three people with exactly the new contact's name, five whose first name differs a little.
    for (let i = 0; i < 3; i++) exact.push(await insertContact(ds, { first_name: 'Margaret', last_name: 'Hamilton', company_id: acme }));
    const near: string[] = [];
    for (const first of ['Margarete', 'Margarita', 'Margit', 'Marge', 'Maggie'])
      near.push(await insertContact(ds, { first_name: first, last_name: 'Hamilton', company_id: acme }));
    const fresh = await insertContact(ds, { first_name: 'Margaret', last_name: 'Hamilton', company_id: acme });

    const proposed = await proposeDuplicatesForMany(ds.manager, [fresh]);
    const rows = (await ds.query(
      `SELECT CASE WHEN contact_a = $1 THEN contact_b ELSE contact_a END AS other, score FROM duplicate_candidates ORDER BY score DESC`,
      [fresh],
    )) as Array<{ other: string; score: number }>;

    expect(proposed).toBe(PROPOSALS_PER_CONTACT);
    expect(rows).toHaveLength(PROPOSALS_PER_CONTACT);
    // The exact namesakes come first…
    expect(rows.slice(0, 3).map((r) => r.other).sort()).toEqual([...exact].sort());
    // Margit and Marge score 0.868 and would be proposed too without the cap; the two closest names win.
    expect(rows.slice(3).map((r) => r.other)).toEqual([near[0], near[1]]);
    expect(rows.map((r) => r.score)).toEqual([1, 1, 1, 0.958, 0.917]);
  });
});
