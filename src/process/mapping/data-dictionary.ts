/**
 * The data dictionary (issue 17 item 4): every unified field with its type, meaning,
 * validation rules and owner rule, and which vendor field each live connection maps to it in
 * which direction — built from the connections' current mapping versions, so it is never stale.
 */
import type { RecordKind } from '../model';
import { loadRules } from '../quality/rules';
import type { ConnectionEntity } from '../store/entities';
import type { Queryable } from '../store/queryable';
import { mappedConnections } from '../store/mapping/field-mapping.repository';
import { fieldOwners } from '../store/records/field-owner.repository';
import { currentEntries } from './current-entries';
import type { MappingDirection } from './mapping-entries';
import type { FieldTransform } from './transforms';
import { unifiedFieldInfo, unifiedFields } from './unified-fields';

export interface DictionaryMapping {
  connectionId: string;
  connectionName: string;
  connectionKind: ConnectionEntity['kind'];
  remoteObject: string;
  remoteField: string;
  direction: MappingDirection;
  transform: FieldTransform | null;
  valueMap: Record<string, string> | null;
}

export interface DictionaryEntry {
  recordKind: RecordKind;
  field: string;
  type: string;
  description: string;
  /** The enabled validation rules on the field, as `RULE {params}`. */
  validation: string[];
  /** Who wins a conflict on the field. */
  ownerRule: string;
  mappings: DictionaryMapping[];
}

const NO_OWNER = 'no owner: the latest change wins (by UTC time); a value a person verified is kept';

/** The dictionary straight from the store (npm run dictionary). */
export async function storedDataDictionary(db: Queryable): Promise<DictionaryEntry[]> {
  return dataDictionary(db, await mappedConnections(db));
}

export async function dataDictionary(db: Queryable, connections: readonly ConnectionEntity[]): Promise<DictionaryEntry[]> {
  const rules = (await loadRules(db)).filter((r) => r.enabled);
  const names = new Map(connections.map((c) => [c.id, `${c.name} (${c.kind})`]));
  const mapped = connections.flatMap((c) => currentEntries(c).map((e) => ({ c, e })));
  const out: DictionaryEntry[] = [];
  for (const kind of ['CONTACT', 'COMPANY'] as const) {
    const owners = await fieldOwners(db, kind);
    const custom = [...new Set(mapped.filter(({ e }) => e.recordKind === kind && e.field.startsWith('custom.')).map(({ e }) => e.field))].sort();
    for (const field of [...unifiedFields(kind).map(([f]) => f), ...custom]) {
      const info = unifiedFieldInfo(kind, field)!;
      const owner = owners.get(field);
      out.push({
        recordKind: kind,
        field,
        type: info.type,
        description: info.description,
        validation: rules.filter((r) => r.recordKind === kind && r.field === field).map((r) => `${r.rule}${Object.keys(r.params).length ? ` ${JSON.stringify(r.params)}` : ''}`),
        ownerRule: owner ? `owned by ${names.get(owner) ?? owner}: only its changes are applied` : NO_OWNER,
        mappings: mapped
          .filter(({ e }) => e.recordKind === kind && e.field === field)
          .map(({ c, e }) => ({ connectionId: c.id, connectionName: c.name, connectionKind: c.kind, remoteObject: e.remoteObject, remoteField: e.remoteField, direction: e.direction, transform: e.transform, valueMap: e.valueMap })),
      });
    }
  }
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The dictionary as Markdown: a table of fields per record kind, then each field's mappings. */
export function dictionaryMarkdown(entries: readonly DictionaryEntry[]): string {
  const lines = ['# Junction data dictionary', '', 'Generated from the live field-mapping versions (`npm run dictionary`).', ''];
  for (const kind of ['CONTACT', 'COMPANY'] as const) {
    lines.push(`## ${kind === 'CONTACT' ? 'Contacts' : 'Companies'}`, '', '| Field | Type | Meaning | Validation | Owner rule |', '|---|---|---|---|---|');
    const mine = entries.filter((e) => e.recordKind === kind);
    for (const e of mine) lines.push(`| \`${e.field}\` | ${e.type} | ${cell(e.description)} | ${cell(e.validation.join('; ') || '—')} | ${cell(e.ownerRule)} |`);
    if (!mine.some((e) => e.mappings.length)) {
      lines.push('', 'No connection maps these fields yet.', '');
      continue;
    }
    lines.push('', '| Field | Connection | Remote field | Direction | Transform | Value map |', '|---|---|---|---|---|---|');
    for (const e of mine)
      for (const m of e.mappings)
        lines.push(
          `| \`${e.field}\` | ${cell(m.connectionName)} (${m.connectionKind}) | \`${m.remoteObject}.${m.remoteField}\` | ${m.direction} | ${m.transform ?? '—'} | ${m.valueMap ? cell(Object.entries(m.valueMap).map(([k, v]) => `${k} → ${v}`).join(', ')) : '—'} |`,
        );
    lines.push('');
  }
  return lines.join('\n');
}
