/** The emulator's SOQL parser and evaluator, Salesforce dates and ids: pure, table-driven. */
import { describe, expect, it } from 'vitest';
import { formatSfDateTime, parseSfDateTime, toIsoUtc } from '../../../src/system/salesforce/dates';
import { caseSafeSuffix, IdFactory, normalizeId } from '../../../src/system/salesforce/emulator/ids';
import { buildSchemas } from '../../../src/system/salesforce/emulator/schema';
import { compileSoql, runQuery, SoqlError } from '../../../src/system/salesforce/emulator/soql-eval';
import { parseSoql, SoqlSyntaxError } from '../../../src/system/salesforce/emulator/soql-parser';
import type { SRecord } from '../../../src/system/salesforce/emulator/store';

const schemas = buildSchemas();
const lookup = (name: string) => schemas.get(name.toLowerCase());

const ROWS: SRecord[] = [
  { Id: '00Q000000000001AAA', LastName: 'Lovelace', Company: 'Acme', Email: 'ada@acme.com', NumberOfEmployees: 10, IsConverted: false, SystemModstamp: '2024-01-01T10:00:00.000+0000', Country: 'US' },
  { Id: '00Q000000000002AAA', LastName: "O'Neil", Company: 'Globex', Email: null, NumberOfEmployees: 250, IsConverted: true, SystemModstamp: '2024-01-02T10:00:00.000+0000', Country: 'DE' },
  { Id: '00Q000000000003AAA', LastName: 'hopper', Company: 'acme corp', Email: 'grace@navy.mil', NumberOfEmployees: null, IsConverted: false, SystemModstamp: '2024-01-03T10:00:00.000+0000', Country: null },
  { Id: '00Q000000000004AAA', LastName: 'Turing', Company: 'Bletchley', Email: 'alan@b.uk', NumberOfEmployees: 5, IsConverted: false, SystemModstamp: 'garbage', Country: 'GB' },
];

const run = (soql: string) => runQuery(compileSoql(soql, lookup), ROWS).map((r) => r.LastName ?? r.Id);

describe('SOQL parser', () => {
  it('parses fields, filters, ordering, limit and offset', () => {
    const q = parseSoql("select Id, LastName from Lead where (A = 'x' or not B != 2) and C in ('a','b') order by LastName desc nulls first, Id limit 5 offset 2");
    expect(q.fields).toEqual(['Id', 'LastName']);
    expect(q.object).toBe('Lead');
    expect(q.where).toMatchObject({ kind: 'and', left: { kind: 'or', right: { kind: 'not', expr: { kind: 'compare', op: '!=' } } }, right: { kind: 'in', values: [{ value: 'a' }, { value: 'b' }] } });
    expect(q.orderBy).toEqual([
      { field: 'LastName', descending: true, nullsLast: false },
      { field: 'Id', descending: false, nullsLast: false },
    ]);
    expect(q).toMatchObject({ limit: 5, offset: 2 });
  });

  it.each([
    ['SELECT Id Lead', 'unexpected token'],
    ['SELECT Id FROM Lead WHERE', "'<EOF>'"],
    ['SELECT FROM Lead', "'FROM'"],
    ["SELECT Id FROM Lead WHERE Name = 'open", 'unterminated'],
    ['SELECT Id FROM Lead LIMIT -1', "'-1'"],
    ['SELECT Id FROM Lead WHERE X = #', "'#'"],
    ['SELECT Id FROM Lead ORDER Id', "'Id'"],
  ])('rejects %s', (soql, fragment) => {
    expect(() => parseSoql(soql)).toThrow(SoqlSyntaxError);
    expect(() => parseSoql(soql)).toThrow(fragment);
  });

  it('reads escapes in string literals', () => {
    expect(parseSoql("SELECT Id FROM Lead WHERE LastName = 'O\\'Neil'").where).toMatchObject({ value: { type: 'string', value: "O'Neil" } });
  });
});

describe('SOQL evaluation', () => {
  it.each([
    ["SELECT LastName FROM Lead WHERE Company = 'ACME'", ['Lovelace']],
    ["SELECT LastName FROM Lead WHERE Company LIKE 'acme%'", ['Lovelace', 'hopper']],
    ["SELECT LastName FROM Lead WHERE LastName LIKE '_opper'", ['hopper']],
    ['SELECT LastName FROM Lead WHERE NumberOfEmployees >= 10', ['Lovelace', "O'Neil"]],
    ['SELECT LastName FROM Lead WHERE NumberOfEmployees = null', ['hopper']],
    ['SELECT LastName FROM Lead WHERE Email != null AND IsConverted = false', ['Lovelace', 'hopper', 'Turing']],
    ["SELECT LastName FROM Lead WHERE Country NOT IN ('US', 'DE')", ['hopper', 'Turing']],
    ['SELECT LastName FROM Lead WHERE SystemModstamp > 2024-01-01T10:00:00Z', ["O'Neil", 'hopper']],
    ['SELECT LastName FROM Lead WHERE SystemModstamp > 2024-01-01T11:00:00+01:00', ["O'Neil", 'hopper']],
    ['SELECT LastName FROM Lead WHERE SystemModstamp <= 2024-01-02T05:00:00.000-0500', ['Lovelace', "O'Neil"]],
    ["SELECT LastName FROM Lead WHERE SystemModstamp = 2024-01-02T10:00:00Z AND Id > '00Q000000000001AAA' OR IsConverted = true", ["O'Neil"]],
    ['SELECT LastName FROM Lead ORDER BY LastName', ['hopper', 'Lovelace', "O'Neil", 'Turing']],
    ['SELECT LastName FROM Lead ORDER BY NumberOfEmployees DESC', ["O'Neil", 'Lovelace', 'Turing', 'hopper']],
    ['SELECT LastName FROM Lead ORDER BY NumberOfEmployees NULLS LAST LIMIT 2', ['Turing', 'Lovelace']],
    ['SELECT LastName FROM Lead ORDER BY SystemModstamp, Id LIMIT 2 OFFSET 1', ['Lovelace', "O'Neil"]],
  ])('%s', (soql, expected) => {
    expect(run(soql)).toEqual(expected);
  });

  it('projects canonical field names in select order, null for absent values', () => {
    const [row] = runQuery(compileSoql("SELECT email, id, Title FROM lead WHERE Id = '00Q000000000001AAA'", lookup), ROWS);
    expect(Object.keys(row!)).toEqual(['Email', 'Id', 'Title']);
    expect(row!.Title).toBeNull();
  });

  it.each([
    ['SELECT Id, Bogus FROM Lead', 'INVALID_FIELD'],
    ['SELECT Id FROM Lead ORDER BY Bogus', 'INVALID_FIELD'],
    ["SELECT Id FROM Lead WHERE NumberOfEmployees = '5'", 'INVALID_FIELD'],
    ['SELECT Id FROM Lead WHERE LastName = 5', 'INVALID_FIELD'],
    ["SELECT Id FROM Lead WHERE SystemModstamp > '2024-01-01T00:00:00Z'", 'INVALID_FIELD'],
    ['SELECT Id FROM Lead WHERE IsConverted LIKE 1', 'MALFORMED_QUERY'],
    ['SELECT Id, ID FROM Lead', 'MALFORMED_QUERY'],
    ['SELECT Id FROM Widget', 'INVALID_TYPE'],
  ])('%s → %s', (soql, code) => {
    const err = (() => {
      try {
        compileSoql(soql, lookup);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SoqlError);
    expect((err as SoqlError).errorCode).toBe(code);
  });
});

describe('Salesforce dates and ids', () => {
  it.each([
    ['2024-05-20T20:49:32.000+0000', '2024-05-20T20:49:32.000Z'],
    ['2024-05-20T20:49:32Z', '2024-05-20T20:49:32.000Z'],
    ['2024-05-20T22:49:32.5+02:00', '2024-05-20T20:49:32.500Z'],
    ['2024-05-20T20:49:32.123456-0130', '2024-05-20T22:19:32.123Z'],
  ])('%s normalizes to %s', (input, iso) => {
    expect(toIsoUtc(input)).toBe(iso);
  });

  it.each(['2024-05-20', '2024-13-01T00:00:00Z', 'yesterday', '2024-05-20T20:49:32'])('rejects %s', (input) => {
    expect(parseSfDateTime(input)).toBeUndefined();
  });

  it('formats with a colon-less offset', () => {
    expect(formatSfDateTime(Date.UTC(2013, 4, 20, 20, 49, 32))).toBe('2013-05-20T20:49:32.000+0000');
  });

  it('makes 18-character ids with the case-safe suffix, in creation order', () => {
    expect(caseSafeSuffix('001A0000006Vm9r')).toBe('IAC');
    const ids = new IdFactory();
    const made = Array.from({ length: 70 }, () => ids.next('00Q'));
    expect(made.every((id) => /^00Q[A-Za-z0-9]{15}$/.test(id))).toBe(true);
    expect([...made].sort()).toEqual(made);
    expect(normalizeId(made[5]!.slice(0, 15))).toBe(made[5]);
    expect(normalizeId('bad id')).toBeUndefined();
  });
});
