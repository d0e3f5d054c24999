/** Positional parameters for hand-written SQL: `sql.param(v)` returns `$n` and remembers v. */
export class SqlParams {
  readonly values: unknown[] = [];

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
