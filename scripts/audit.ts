/**
 * The audit from the command line, as Markdown, CSV and JSON files.
 *
 *   JUNCTION_API_URL=http://localhost:4000 JUNCTION_API_KEY=<ADMIN key> npm run audit
 *   npm run audit -- --url http://localhost:4000 --out reports/q4
 *
 * With a server to ask (--url or JUNCTION_API_URL) it calls runAudit there, follows the job
 * with auditReports and downloads the report (/audits/<id>.md, .csv, .json): the running
 * Junction does the work and keeps the history. The key comes from the environment only
 * (arguments show in the process list).
 *
 * Without one it opens the store itself (Junction's own configuration: DATABASE_URL,
 * JUNCTION_MASTER_KEY, …). The embedded store belongs to one process: while Junction runs on
 * it, the audit refuses and says to ask the server instead.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { auditCsv } from '../src/process/audit/audit-csv';
import { auditMarkdown } from '../src/process/audit/audit-markdown';
import { AuditBusyError, runLocalAudit } from '../src/process/audit/audit-command';
import { EmbeddedStoreHeldError } from '../src/process/store/embedded-lock';

const FLAGS = ['--out', '--url', '--timeout'] as const;

function flags(argv: string[]): Partial<Record<(typeof FLAGS)[number], string>> {
  const out: Partial<Record<(typeof FLAGS)[number], string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split(/=(.*)/s) as [string, string | undefined];
    if (!(FLAGS as readonly string[]).includes(name)) throw new UsageError(`unknown argument ${argv[i]}: the flags are ${FLAGS.join(', ')} (the API key comes from JUNCTION_API_KEY)`);
    const value = inline ?? argv[++i];
    if (!value) throw new UsageError(`${name} needs a value`);
    out[name as (typeof FLAGS)[number]] = value;
  }
  return out;
}

class UsageError extends Error {}

/** Asks the running server: runAudit, then auditReports until the job ended, then the three downloads. */
async function remoteAudit(url: string, key: string, timeoutMs: number): Promise<{ id: string; files: Record<'md' | 'csv' | 'json', string> }> {
  const call = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(new URL('/graphql', url), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: Array<{ message: string }> };
    if (body.errors?.length || !body.data) throw new Error(`${url} answered ${res.status}: ${body.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
    return body.data;
  };
  const { runAudit } = await call<{ runAudit: { id: string; status: string } }>('mutation RunAudit { runAudit { id status startedAt } }');
  process.stderr.write(`audit ${runAudit.id} ${runAudit.status.toLowerCase()} on ${url}\n`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { auditReports } = await call<{ auditReports: { edges: Array<{ node: { id: string; status: string; error: string | null } }> } }>(
      'query AuditFollow($first: Int) { auditReports(first: $first) { edges { node { id status error } } } }',
      { first: 20 },
    );
    const node = auditReports.edges.find((e) => e.node.id === runAudit.id)?.node;
    if (node?.status === 'SUCCEEDED') break;
    if (!node || node.status === 'FAILED') throw new Error(`audit ${runAudit.id} failed: ${node?.error ?? 'it is no longer listed'}`);
    if (Date.now() > deadline) throw new Error(`audit ${runAudit.id} is still ${node.status.toLowerCase()} after ${timeoutMs / 1000} s; follow it with auditReports`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const files = {} as Record<'md' | 'csv' | 'json', string>;
  for (const ext of ['md', 'csv', 'json'] as const) {
    const res = await fetch(new URL(`/audits/${runAudit.id}.${ext}`, url), { headers: { authorization: `Bearer ${key}` } });
    if (!res.ok) throw new Error(`download of /audits/${runAudit.id}.${ext} answered ${res.status}: ${(await res.text()).trim()}`);
    files[ext] = await res.text();
  }
  return { id: runAudit.id, files };
}

async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const f = flags(process.argv.slice(2));
  const dir = resolve(f['--out'] ?? join('.junction', 'audit'));
  const url = f['--url'] ?? config.auditCli.apiUrl;
  let id: string;
  let files: Record<'md' | 'csv' | 'json', string>;
  let date: string;
  if (url) {
    if (!config.auditCli.apiKey) throw new UsageError('asking a server needs an ADMIN API key in JUNCTION_API_KEY');
    ({ id, files } = await remoteAudit(url, config.auditCli.apiKey, Number(f['--timeout'] ?? 3600) * 1000));
    date = (JSON.parse(files.json) as { generatedAt: string }).generatedAt.slice(0, 10);
  } else {
    const local = await runLocalAudit(config);
    id = local.id;
    files = { md: auditMarkdown(local.report), csv: auditCsv(local.report), json: `${JSON.stringify(local.report, null, 2)}\n` };
    date = local.report.generatedAt.toISOString().slice(0, 10);
  }
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, `audit-${date}-${id.slice(0, 8)}`);
  for (const [ext, text] of Object.entries(files)) writeFileSync(`${stem}.${ext}`, text);
  process.stdout.write(`wrote ${stem}.md, .csv and .json\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof EmbeddedStoreHeldError)
      process.stderr.write(
        `audit refused: Junction (pid ${err.pid}) is running on the embedded store in ${err.dir}, and a second process must not open it.\n` +
          `Ask the running server instead: JUNCTION_API_URL=http://localhost:<port> JUNCTION_API_KEY=<ADMIN key> npm run audit\n`,
      );
    else if (err instanceof UsageError || err instanceof ConfigError || err instanceof AuditBusyError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`audit failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof EmbeddedStoreHeldError || err instanceof UsageError ? 2 : 1);
  },
);
