/**
 * Vendor text on its way into an error message. Error messages are stored in the error log
 * (VIEWER-readable `syncErrors`) and shown on the dashboard, so what a vendor — or a host a
 * base URL wrongly points at — answered is never quoted raw: an unparsed answer is described
 * by its size only, and parsed messages lose the connection's own secrets, bearer tokens,
 * OAuth form fields and anything shaped like a token.
 */

const REDACTED = '[redacted]';
/** Longest vendor message kept by default. */
const MAX_MESSAGE = 500;
/** Secrets shorter than this are not searched for (they would redact ordinary words). */
const MIN_SECRET = 6;

const SECRET_FIELDS = 'access_token|refresh_token|id_token|client_secret|client_assertion|assertion|password|code|token|session_?id|sid|api_?key';

/** Removes the given secrets and anything that looks like a credential from vendor text, and bounds its length. */
export function scrubVendorText(text: string, secrets: ReadonlyArray<string | undefined> = [], maxLength = MAX_MESSAGE): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= MIN_SECRET) out = out.split(secret).join(REDACTED);
  // Bounded before the patterns run; what lies past twice the kept length is cut below anyway.
  out = out
    .slice(0, 2 * maxLength)
    .replace(/(Bearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`)
    // Form bodies and query strings: client_secret=…&refresh_token=…
    .replace(new RegExp(`\\b(${SECRET_FIELDS})=[^&\\s"']*`, 'gi'), `$1=${REDACTED}`)
    // JSON or key: value text: {"access_token":"…"}
    .replace(new RegExp(`(["']?\\b(?:${SECRET_FIELDS}|accessToken|refreshToken|clientSecret)\\b["']?\\s*[:=]\\s*["'])[^"']*`, 'gi'), `$1${REDACTED}`)
    // Salesforce session ids (00D…!…), JWTs and other long opaque tokens.
    .replace(/\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g, REDACTED)
    .replace(/[A-Za-z0-9._~+!=-]{40,}/g, REDACTED);
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
}

/** What an answer that is not the vendor's error format says about itself: its size, never its content. */
export function describeUnparsedAnswer(body: unknown): string {
  const size = typeof body === 'string' ? body.length : 0;
  return `the answer is not the vendor's error format (${size} characters, not shown)`;
}
