/**
 * UNIQUE for a whole page at once, so a set-based ingest need not write out every record
 * before checking the next: the store's holders of the page's values are loaded in one query
 * per enabled UNIQUE rule, and what the page applies as it goes is tracked in memory.
 * Same answers as uniqueContext: a value is taken when another live record holds it, not
 * counting the record's own contact or the same person (a contact sharing an email, phone or
 * LinkedIn URL; a company sharing the domain).
 *
 * Use: `load` with the page's normalized values; `context(values, ownId)` per record for
 * evaluateRules; `applied(recordId, values)` after a record is inserted or updated, with the
 * record's values as they now are.
 */
import type { EntityManager } from 'typeorm';
import type { RecordKind, UnifiedValue } from '../../model';
import { columnsFor, CUSTOM_PREFIX } from '../../store/record-store';
import type { RuleContext, ValidationRule } from './rule-types';

type Values = Partial<Record<string, UnifiedValue>>;

/** The keys that make two records the same person (or company). */
const SAMENESS: Record<RecordKind, Array<[field: string, column: string]>> = {
  CONTACT: [
    ['email', 'email'],
    ['phone', 'phone'],
    ['linkedinUrl', 'linkedin_url'],
  ],
  COMPANY: [['domain', 'domain']],
};

export class PageUniqueness {
  /** field → value → holder id → the holder's sameness keys. */
  private holders = new Map<string, Map<string, Map<string, Values>>>();

  private constructor(
    private kind: RecordKind,
    private fields: string[],
  ) {
    for (const f of fields) this.holders.set(f, new Map());
  }

  static async load(m: Pick<EntityManager, 'query'>, rules: readonly ValidationRule[], kind: RecordKind, page: readonly Values[]): Promise<PageUniqueness> {
    const fields = [...new Set(rules.filter((r) => r.enabled && r.rule === 'UNIQUE' && r.recordKind === kind).map((r) => r.field))].filter((f) => valueSql(kind, f));
    const out = new PageUniqueness(kind, fields);
    const table = kind === 'CONTACT' ? 'contacts' : 'companies';
    const live = kind === 'CONTACT' ? 'merged_into IS NULL' : 'deleted_at IS NULL';
    const keyColumns = SAMENESS[kind].map(([field, column]) => `${column} AS "${field}"`).join(', ');
    for (const field of fields) {
      const wanted = [...new Set(page.map((v) => v[field]).filter((v): v is string => !!v))];
      if (!wanted.length) continue;
      const value = valueSql(kind, field)!;
      const params = field.startsWith(CUSTOM_PREFIX) ? [wanted, field.slice(CUSTOM_PREFIX.length)] : [wanted];
      const rows = (await m.query(`SELECT id, ${value} AS v, ${keyColumns} FROM ${table} WHERE ${value} = ANY($1::text[]) AND ${live}`, params)) as Array<
        { id: string; v: string } & Values
      >;
      for (const { id, v, ...keys } of rows) out.hold(field, v, id, keys);
    }
    return out;
  }

  /** Whether another person holds a value this record carries. */
  context(values: Values, ownId: string | null): RuleContext {
    const taken = new Set<string>();
    for (const field of this.fields) {
      const value = values[field];
      if (!value) continue;
      for (const [id, keys] of this.holders.get(field)!.get(value) ?? []) if (id !== ownId && !this.samePerson(keys, values)) taken.add(field);
    }
    return { taken: (field) => taken.has(field) };
  }

  /** A record this page inserted or updated now holds these values (and no longer its old ones). */
  applied(recordId: string, values: Values): void {
    const keys = Object.fromEntries(SAMENESS[this.kind].map(([field]) => [field, values[field] ?? null]));
    for (const field of this.fields) {
      for (const byId of this.holders.get(field)!.values()) byId.delete(recordId);
      const value = values[field];
      if (value) this.hold(field, value, recordId, keys);
    }
  }

  private hold(field: string, value: string, id: string, keys: Values): void {
    const byValue = this.holders.get(field)!;
    const byId = byValue.get(value) ?? new Map<string, Values>();
    byId.set(id, keys);
    byValue.set(value, byId);
  }

  private samePerson(a: Values, b: Values): boolean {
    return SAMENESS[this.kind].some(([field]) => !!a[field] && a[field] === b[field]);
  }
}

/** The SQL for a record's value of a unified field: its column, or its entry in `custom` (the key is parameter $2). */
function valueSql(kind: RecordKind, field: string): string | undefined {
  if (field.startsWith(CUSTOM_PREFIX)) return `(custom ->> $2::text)`;
  return columnsFor(kind)[field];
}
