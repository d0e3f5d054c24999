/**
 * The OData $batch body format (multipart/mixed with change sets), written and read by
 * both the adapter and the emulator, so the two cannot drift apart.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
 */
const CRLF = '\r\n';

export interface BatchPartRequest {
  method: string;
  /** Absolute URL, or a path relative to the data API root. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  contentId?: string;
}

export interface BatchPartResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
  contentId?: string;
}

/** A top-level batch entry: a single request, or an atomic change set of several. */
export type BatchEntry<T> = { single: T } | { changeset: T[] };

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** The boundary of a `multipart/mixed; boundary=...` content type, quotes stripped. */
export function boundaryOf(contentType: string | undefined | null): string | undefined {
  const m = /boundary="?([^";,\s]+)"?/i.exec(contentType ?? '');
  return m?.[1];
}

function headerLines(headers: Record<string, string>): string[] {
  return Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
}

/** Splits a multipart body on its boundary; the preamble and the closing tail are dropped. */
function splitParts(body: string, boundary: string): string[] {
  const chunks = body.split(`--${boundary}`);
  chunks.shift();
  const parts: string[] = [];
  for (const chunk of chunks) {
    if (chunk.startsWith('--')) break;
    parts.push(chunk.replace(/^\r?\n/, ''));
  }
  return parts;
}

/** Splits `head\r\n\r\nrest` at the first blank line (CRLF or bare LF). */
function splitHead(text: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return [text, ''];
  return [text.slice(0, m.index), text.slice(m.index + m[0].length)];
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

/** One `application/http` part: MIME headers, a blank line, then an embedded HTTP message. */
function parseHttpPart(part: string): { mime: Record<string, string>; startLine: string; headers: Record<string, string>; body?: string } {
  const [mimeBlock, message] = splitHead(part);
  const [head, rawBody] = splitHead(message);
  const [startLine = '', ...rest] = head.split(/\r?\n/);
  const body = rawBody.replace(/\s+$/, '');
  return { mime: parseHeaders(mimeBlock), startLine: startLine.trim(), headers: parseHeaders(rest.join('\n')), body: body === '' ? undefined : body };
}

function parseEntries<T>(body: string, boundary: string, one: (part: string) => T): BatchEntry<T>[] {
  return splitParts(body, boundary).map((part) => {
    const [mimeBlock, inner] = splitHead(part);
    const nested = boundaryOf(parseHeaders(mimeBlock)['content-type']);
    if (nested) return { changeset: splitParts(inner, nested).map(one) };
    return { single: one(part) };
  });
}

// ---- requests (the adapter writes them, the emulator reads them) ----

export function writeBatchRequest(entries: BatchEntry<BatchPartRequest>[], id: string): { contentType: string; body: string } {
  return writeMultipart(entries, `batch_${id}`, `changeset_${id}`, (p) => `${p.method} ${p.url} HTTP/1.1`);
}

export function readBatchRequest(body: string, boundary: string): BatchEntry<BatchPartRequest>[] {
  return parseEntries(body, boundary, (raw) => {
    const p = parseHttpPart(raw);
    const m = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/\d\.\d)?$/.exec(p.startLine);
    if (!m) throw new Error(`malformed request line in batch part: ${p.startLine.slice(0, 80)}`);
    return { method: m[1]!, url: m[2]!, headers: p.headers, body: p.body, contentId: p.mime['content-id'] };
  });
}

// ---- responses (the emulator writes them, the adapter reads them) ----

export function writeBatchResponse(entries: BatchEntry<BatchPartResponse>[], id: string): { contentType: string; body: string } {
  return writeMultipart(entries, `batchresponse_${id}`, `changesetresponse_${id}`, (p) => `HTTP/1.1 ${p.status} ${STATUS_TEXT[p.status] ?? 'Status'}`);
}

/**
 * The multipart envelope requests and responses share: each part an embedded HTTP message
 * (`application/http`), change sets nested under their own boundary, CRLF line endings.
 */
function writeMultipart<P extends { headers: Record<string, string>; body?: string; contentId?: string }>(
  entries: BatchEntry<P>[],
  batch: string,
  changesetPrefix: string,
  startLine: (part: P) => string,
): { contentType: string; body: string } {
  const lines: string[] = [];
  const part = (p: P) => {
    lines.push('Content-Type: application/http', 'Content-Transfer-Encoding: binary');
    if (p.contentId !== undefined) lines.push(`Content-ID: ${p.contentId}`);
    lines.push('', startLine(p), ...headerLines(p.headers), '', p.body ?? '');
  };
  entries.forEach((entry, i) => {
    lines.push(`--${batch}`);
    if ('single' in entry) return part(entry.single);
    const changeset = `${changesetPrefix}_${i}`;
    lines.push(`Content-Type: multipart/mixed; boundary=${changeset}`, '');
    for (const p of entry.changeset) {
      lines.push(`--${changeset}`);
      part(p);
    }
    lines.push(`--${changeset}--`);
  });
  lines.push(`--${batch}--`, '');
  return { contentType: `multipart/mixed; boundary=${batch}`, body: lines.join(CRLF) };
}

/** Every part response in order, change sets flattened (as dynamics-web-api does). */
export function readBatchResponse(body: string, contentType: string | null): BatchPartResponse[] {
  const boundary = boundaryOf(contentType) ?? /^--(\S+)/.exec(body.trimStart())?.[1];
  if (!boundary) throw new Error('batch response has no boundary');
  return parseEntries(body, boundary, (raw) => {
    const p = parseHttpPart(raw);
    const m = /^HTTP\/\d\.\d\s+(\d{3})/.exec(p.startLine);
    if (!m) throw new Error(`malformed status line in batch response: ${p.startLine.slice(0, 80)}`);
    return { status: Number(m[1]), headers: p.headers, body: p.body, contentId: p.mime['content-id'] };
  }).flatMap((e) => ('single' in e ? [e.single] : e.changeset));
}
