/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function, top N, with
 * the share of samples that were idle (waiting on PostgreSQL, the network or timers).
 * Usage: node -r ./scripts/register.cjs bench/profile-summary.ts FILE.cpuprofile [N]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${relative(process.cwd(), url.replace('file://', ''))}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  selfUs.set(key, (selfUs.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const top = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25));
process.stdout.write(`profile ${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
process.stdout.write('| self ms | share | function |\n|---:|---:|---|\n');
for (const [key, us] of top) process.stdout.write(`| ${(us / 1000).toFixed(0)} | ${((us / total) * 100).toFixed(1)} % | ${key.replace(/\|/g, '\\|')} |\n`);

// The same samples by package, so "our code vs pg vs typeorm vs idle" is visible at a glance.
const byPackage = new Map<string, number>();
for (const [key, us] of selfUs) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(key);
  const loading = /^(wrapSafe|readFileUtf8|internalModuleStat|compileFunction|Module\.|lstatSync|open |realpathSync|statSync|read node:internal\/modules)/.test(key) || key.includes('node:internal/modules');
  const bucket = m ? m[1]! : key.includes('wasm:') ? 'wasm (PGlite PostgreSQL)' : loading ? 'module loading (require, compile, fs)' : key.startsWith('(') ? key : key.includes('src/') ? 'junction src/' : key.includes('bench/') ? 'bench/' : 'node internals';
  byPackage.set(bucket, (byPackage.get(bucket) ?? 0) + us);
}
process.stdout.write('\n| self ms | share | package |\n|---:|---:|---|\n');
for (const [key, us] of [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15))
  process.stdout.write(`| ${(us / 1000).toFixed(0)} | ${((us / total) * 100).toFixed(1)} % | ${key} |\n`);
