/**
 * PostgreSQL text and jsonb cannot hold U+0000, and CRMs do hand it over (pasted from
 * binary sources). It carries no meaning in a name or address, so it is dropped at the door,
 * before a value can reach a column, a payload or an error message.
 */
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;

export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replace(NUL, '') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => withoutNul(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k.replace(NUL, '')] = withoutNul(v);
    return out as T;
  }
  return value;
}
