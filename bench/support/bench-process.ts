/** Bench scripts run in node processes of their own (emulators, the scale scenario). */
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts `script` with the TypeScript register hook and the given heap limit, and resolves
 * once a line of its stdout matches `ready` (rejects if it exits first). Its stdin stays open:
 * a script that waits on it stops when the bench ends it.
 */
export function startBenchProcess(script: string, args: string[], heapMb: number, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '-r', './scripts/register.cjs', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
}
