/** Liveness and readiness for load balancers and orchestrators (SPEC §4). */
import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';

export function healthRoutes(dataSource: DataSource, logger: Logger): Router {
  const router = Router();
  // Alive: the process answers. Deliberately touches nothing else.
  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  // Ready: the database answers and every migration this build knows has been applied.
  router.get('/readyz', async (_req, res) => {
    try {
      await dataSource.query('SELECT 1');
      if (await dataSource.showMigrations()) {
        res.status(503).json({ status: 'unavailable', reason: 'migrations pending' });
        return;
      }
      res.status(200).json({ status: 'ready' });
    } catch (err) {
      logger.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  return router;
}
