/**
 * UNIQUE for a whole page at once, so a set-based ingest need not write out every record
 * before checking the next: the store's holders of the page's values are loaded in one query
 * per enabled UNIQUE rule, and what the page applies as it goes is tracked in memory.
 * Same answers as uniqueContext: a value is taken when another live record holds it, not
 * counting the record's own contact or the same person (a contact sharing an email, phone or
 * LinkedIn URL; a company sharing the domain).
 *
 * The holders come from store/quality/unique-value.repository.ts.
 *
 * Use: `load` with the page's normalized values; `context(values, ownId)` per record for
 * evaluateRules; `applied(recordId, values)` after a record is inserted or updated, with the
 * record's values as they now are.
 */
import type { RecordKind, UnifiedValue } from '../../model';
import type { Queryable } from '../../store/queryable';
import { holdersOf, SAMENESS, storesField } from '../../store/quality/unique-value.repository';
import type { RuleContext, ValidationRule } from './rule-types';

type Values = Partial<Record<string, UnifiedValue>>;

export class PageUniqueness {
  /** field → value → holder id → the holder's sameness keys. */
  private holders = new Map<string, Map<string, Map<string, Values>>>();

  private constructor(
    private kind: RecordKind,
    private fields: string[],
  ) {
    for (const f of fields) this.holders.set(f, new Map());
  }

  static async load(m: Pick<Queryable, 'query'>, rules: readonly ValidationRule[], kind: RecordKind, page: readonly Values[]): Promise<PageUniqueness> {
    const fields = [...new Set(rules.filter((r) => r.enabled && r.rule === 'UNIQUE' && r.recordKind === kind).map((r) => r.field))].filter((f) => storesField(kind, f));
    const out = new PageUniqueness(kind, fields);
    for (const field of fields) {
      const wanted = [...new Set(page.map((v) => v[field]).filter((v): v is string => !!v))];
      if (!wanted.length) continue;
      for (const { id, v, ...keys } of await holdersOf(m, kind, field, wanted)) out.hold(field, v, id, keys);
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
