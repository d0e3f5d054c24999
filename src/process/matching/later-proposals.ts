/**
 * Fuzzy-duplicate proposals for a sync's pages, made after each slice commits instead of inside
 * its transaction. On a server they run on a pooled connection of their own beside the next
 * slice (the block read and the candidates insert were ~0.7 s of a 10,000-contact run, holding
 * the page; BENCHMARKS.md, issue 20); the embedded server's one session runs them in turn. The
 * pull waits for them before it ends, so a finished run has proposed everything it created.
 * Proposals are advisory: one that fails is logged, and the bulk scan (scanDuplicates) still
 * finds its pairs; a crash between a slice's commit and its proposals loses that slice's, which
 * the scan also recovers.
 */
import type { DataSource } from 'typeorm';
import { isSingleSession } from '../store/data-source';
import { proposeDuplicatesForMany } from './duplicate-candidates';

type Log = (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;

export class LaterProposals {
  private held: string[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private db: DataSource,
    private log?: Log,
  ) {}

  /** New contacts of the slice being written: proposed once it commits (release), forgotten if it rolls back (discard). */
  hold(contactIds: readonly string[]): void {
    this.held.push(...contactIds);
  }

  discard(): void {
    this.held = [];
  }

  /** The slice committed: its contacts' proposals start (and, with one session, finish) now. */
  async release(): Promise<void> {
    const ids = this.held;
    this.held = [];
    if (!ids.length) return;
    this.chain = this.chain.then(() =>
      proposeDuplicatesForMany(this.db, ids).then(
        () => undefined,
        (err: unknown) => this.log?.('warn', 'duplicate proposals not made for a page', { contacts: ids.length, error: String(err) }),
      ),
    );
    if (isSingleSession(this.db)) await this.chain;
  }

  /** Every released proposal made (or logged as failed). */
  async settled(): Promise<void> {
    await this.chain;
  }
}
