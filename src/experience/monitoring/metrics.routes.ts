/**
 * `GET /metrics`: Prometheus text from this instance's registry. It carries counts and
 * connection names, no records or secrets — still more than a stranger should read. A
 * scraper on the same host (loopback, and not relayed by a proxy there) reads it freely;
 * from anywhere else it takes `Authorization: Bearer <JUNCTION_METRICS_KEY>`, and without
 * a configured key it is not served beyond loopback at all.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import { createMetricsRegistry, type StoreHandle } from '../../process';

export interface MetricsAccess {
  /** The bearer key scrapers beyond loopback present (JUNCTION_METRICS_KEY). */
  key?: string;
}

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
/** A proxy on the same host makes every client look local; these say one relayed the request. */
const RELAY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

function fromLoopback(req: Request): boolean {
  return LOOPBACK.test(req.socket.remoteAddress ?? '') && RELAY_HEADERS.every((h) => req.headers[h] === undefined);
}

function presentsKey(req: Request, key: string): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function metricsRoutes(db: StoreHandle, logger: Logger, access: MetricsAccess = {}): Router {
  const registry = createMetricsRegistry(db);
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!fromLoopback(req)) {
      if (!access.key) {
        res.status(403).type('text/plain').send('metrics are served to loopback only: set JUNCTION_METRICS_KEY to scrape from elsewhere\n');
        return;
      }
      if (!presentsKey(req, access.key)) {
        res.status(401).set('www-authenticate', 'Bearer realm="metrics"').type('text/plain').send('metrics need Authorization: Bearer <JUNCTION_METRICS_KEY>\n');
        return;
      }
    }
    try {
      const body = await registry.metrics();
      res.set('content-type', registry.contentType).send(body);
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'metrics scrape failed');
      res.status(503).type('text/plain').send('metrics unavailable\n');
    }
  });
  return router;
}
