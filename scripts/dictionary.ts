/**
 * The data dictionary from the command line: every unified field, its type, meaning,
 * validation and owner rules, and how each connection maps it — the DataDictionary
 * operation's content, read from the live mapping versions, written as Markdown.
 *
 *   npm run dictionary                          # → ./.junction/dictionary.md
 *   npm run dictionary -- --out docs/dict.md    # another file; `--out -` prints it
 *
 * Configuration is Junction's own (DATABASE_URL, JUNCTION_DATA_DIR). With the embedded
 * database, stop Junction first: one process owns its data directory.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { dictionaryMarkdown, storedDataDictionary } from '../src/process/mapping/data-dictionary';
import { openDatabase } from '../src/process/store/database';

function outFile(argv: string[]): string {
  const i = argv.findIndex((a) => a === '--out' || a.startsWith('--out='));
  if (i < 0) return resolve('.junction', 'dictionary.md');
  const value = argv[i]!.includes('=') ? argv[i]!.slice('--out='.length) : argv[i + 1];
  if (!value) throw new Error('--out needs a file (or - for standard output)');
  return value === '-' ? '-' : resolve(value);
}

async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const out = outFile(process.argv.slice(2));
  const database = await openDatabase({ url: config.database.url, embeddedDir: config.database.embeddedDir });
  try {
    const markdown = dictionaryMarkdown(await storedDataDictionary(database.dataSource));
    if (out === '-') process.stdout.write(markdown);
    else {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, markdown);
      process.stdout.write(`wrote ${out}\n`);
    }
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : `dictionary failed: ${err instanceof Error ? err.message : String(err)}`}\n`);
    process.exit(1);
  },
);
