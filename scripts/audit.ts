/**
 * The quarterly audit from the command line: the same report as the AuditReport
 * operation, written as Markdown and JSON.
 *
 *   npm run audit                         # → ./.junction/audit/audit-<date>.{md,json}
 *   npm run audit -- --out reports/q4     # another folder
 *
 * Configuration is Junction's own (DATABASE_URL, JUNCTION_MASTER_KEY, …). With the embedded
 * database, stop Junction first: one process owns its data directory.
 */
import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { auditMarkdown } from '../src/process/audit/audit-markdown';
import { AuditService } from '../src/process/audit/audit.service';
import { ConnectionService } from '../src/process/connections/connection.service';
import { CredentialsCipher } from '../src/process/security/credentials-cipher';
import { openDatabase } from '../src/process/store/database';

function outDir(argv: string[]): string {
  const i = argv.findIndex((a) => a === '--out' || a.startsWith('--out='));
  if (i < 0) return resolve('.junction', 'audit');
  const value = argv[i]!.includes('=') ? argv[i]!.slice('--out='.length) : argv[i + 1];
  if (!value) throw new Error('--out needs a folder');
  return resolve(value);
}

async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const dir = outDir(process.argv.slice(2));
  const keyFile = join(config.dataDir, 'master.key');
  const masterKey = config.masterKey ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
  if (!masterKey) throw new Error(`no master key: set JUNCTION_MASTER_KEY or run from the folder holding ${keyFile}`);
  const database = await openDatabase({ url: config.database.url, embeddedDir: config.database.embeddedDir });
  const connections = new ConnectionService(database.dataSource, new CredentialsCipher(masterKey), { redisUrl: config.redisUrl });
  try {
    const report = await new AuditService(database.dataSource, connections).report();
    mkdirSync(dir, { recursive: true });
    const stem = join(dir, `audit-${report.generatedAt.toISOString().slice(0, 10)}`);
    writeFileSync(`${stem}.md`, auditMarkdown(report));
    writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`wrote ${stem}.md and ${stem}.json\n`);
    return 0;
  } finally {
    await connections.close();
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : `audit failed: ${err instanceof Error ? err.message : String(err)}`}\n`);
    process.exit(1);
  },
);
