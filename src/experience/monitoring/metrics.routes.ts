/**
 * `GET /metrics`: Prometheus text from this instance's registry. Left open like most
 * scrape targets (it carries counts and connection names, no records or secrets); put it
 * behind the network's scrape policy in production.
 */
import { Router } from 'express';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { createMetricsRegistry } from '../../process/metrics/metrics-registry';

export function metricsRoutes(db: DataSource, logger: Logger): Router {
  const registry = createMetricsRegistry(db);
  const router = Router();
  router.get('/metrics', async (_req, res) => {
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
