/**
 * HTTP hardening for every route (API, health, the dashboard at `/`): security headers
 * (helmet) with a strict same-origin Content-Security-Policy, CORS closed unless origins
 * are configured, and server timeouts so slow clients cannot hold sockets forever.
 */
import type { Server } from 'node:http';
import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface HttpHardening {
  /** Origins allowed to call the API from a browser; empty: none (same-origin only). */
  corsOrigins: string[];
  /** Whole request, headers included (server.requestTimeout). */
  requestTimeoutMs: number;
  /** Time to receive the request headers (server.headersTimeout). */
  headersTimeoutMs: number;
}

export const DEFAULT_HTTP_HARDENING: HttpHardening = { corsOrigins: [], requestTimeoutMs: 30_000, headersTimeoutMs: 10_000 };

/**
 * The dashboard's own scripts, styles, images and fonts only; its live data over fetch and
 * WebSocket to this server. No inline script, no framing, no plugins.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function securityMiddleware(options: HttpHardening): RequestHandler[] {
  const allowed = new Set(options.corsOrigins);
  return [
    helmet({ contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY } }),
    cors({
      // A request without Origin (curl, partner servers) is not a CORS request and passes.
      origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight'],
      maxAge: 600,
    }),
  ];
}

export function applyServerTimeouts(server: Server, options: HttpHardening): void {
  server.requestTimeout = options.requestTimeoutMs;
  // Node refuses a headers timeout longer than the whole-request one.
  server.headersTimeout = Math.min(options.headersTimeoutMs, options.requestTimeoutMs);
}
