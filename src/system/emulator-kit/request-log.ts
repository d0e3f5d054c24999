/**
 * What arrived on the wire, for tests that must see what a client sent (which fields a write
 * carried), not only what the emulator stored. Off until a test turns it on, so long runs
 * keep no bodies: `POST /_emulator/requests {"enabled": true}`, `GET /_emulator/requests`
 * (oldest first), `DELETE /_emulator/requests` to empty it.
 */
import { empty, json, type EmulatorRequest, type EmulatorResponse } from './http';

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  /** The parsed JSON body, or the text of any other body; absent when there was none. */
  body?: unknown;
}

/** The newest requests kept; older ones are dropped first. */
const KEEP = 1000;

export class RequestLog {
  private enabled = false;
  private entries: LoggedRequest[] = [];

  record(req: EmulatorRequest): void {
    if (!this.enabled) return;
    const text = req.text();
    let body: unknown = text === '' ? undefined : text;
    try {
      if (text !== '') body = JSON.parse(text);
    } catch {
      // Not JSON (CSV, SOAP, a form): kept as text.
    }
    this.entries.push({ method: req.method, path: req.path, query: req.url.search, ...(body === undefined ? {} : { body }) });
    if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
  }

  admin(req: EmulatorRequest): EmulatorResponse {
    if (req.method === 'GET') return json(200, this.entries);
    if (req.method === 'DELETE') {
      this.entries = [];
      return empty(204);
    }
    if (req.method === 'POST') {
      let enabled: unknown;
      try {
        enabled = (req.json() as { enabled?: unknown } | null)?.enabled;
      } catch {
        enabled = undefined;
      }
      if (typeof enabled !== 'boolean') return json(400, { error: 'bad_request_log', message: 'body must be { "enabled": true | false }' });
      this.enabled = enabled;
      return json(200, { enabled });
    }
    return json(405, { error: 'method_not_allowed', message: 'GET, POST or DELETE /_emulator/requests' });
  }
}
