import type { Recovering } from '../store/row-journal.ts';
import { formatBytes } from './format-bytes.ts';
import { styler, type Output } from './output.ts';

/**
 * What a command says when its open of a store loads the journal of a run whose process was
 * killed while journaling (OpenStoreOptions.onRecovering): why it takes a while, and that nothing
 * was lost.
 *
 * @example
 * const store = await openStore(db, { readOnly: true, onRecovering: recoveringNotice(output, db) });
 */
export function recoveringNotice(output: Output, db: string): (recovering: Recovering) => void {
  return ({ runId, journalBytes }) => {
    output.err(styler(output.errColor).dim(`loading ${formatBytes(journalBytes)} of run ${runId}'s rows into ${db}: its process ended before it saved them (they were kept in its journal) ...\n`));
  };
}
