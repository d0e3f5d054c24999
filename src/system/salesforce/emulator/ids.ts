/**
 * Salesforce record ids: a 3-character key prefix, 12 more characters, and a 3-character
 * case-safety suffix that makes the 18-character form unique case-insensitively.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The suffix: one character per 5-character chunk, bit i set when char i is uppercase. */
export function caseSafeSuffix(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    out += SUFFIX.charAt(bits);
  }
  return out;
}

/** Ids in creation order: the counter is fixed-width base62, so ids sort like Salesforce's. */
export class IdFactory {
  private counter = 0;
  constructor(private pod = '5g0') {}
  next(prefix: string): string {
    let n = ++this.counter;
    let digits = '';
    while (n > 0) {
      digits = BASE62.charAt(n % 62) + digits;
      n = Math.floor(n / 62);
    }
    const id15 = prefix + this.pod + digits.padStart(9, '0');
    return id15 + caseSafeSuffix(id15);
  }
  reset(): void {
    this.counter = 0;
  }
}

/** Accepts a 15- or 18-character id and returns the 18-character form, or undefined. */
export function normalizeId(id: string): string | undefined {
  if (/^[a-zA-Z0-9]{18}$/.test(id)) return id.slice(0, 15) + caseSafeSuffix(id.slice(0, 15));
  if (/^[a-zA-Z0-9]{15}$/.test(id)) return id + caseSafeSuffix(id);
  return undefined;
}
