/**
 * A stand-in for something a `beforeAll` hook creates: declared once at the top of a test file
 * (`const db = useDatabase()`), usable inside tests as the real thing once the hook has run.
 */
export function lazy<T extends object>(what: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_, key) {
      if (key === 'then') return undefined; // not a promise: `await` must not probe the target
      const target = current();
      if (!target) throw new Error(`${what} is used before its beforeAll hook ran`);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set(_, key, value) {
      const target = current();
      if (!target) throw new Error(`${what} is used before its beforeAll hook ran`);
      return Reflect.set(target, key, value, target);
    },
  });
}
