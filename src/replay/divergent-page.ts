import type { PageInspector } from '../connectors/page-view.ts';
import type { Simulation } from '../engine/simulation.ts';
import type { ActionRecord, EventRecord } from '../store/records.ts';
import type { DivergenceTracker } from './divergence-tracker.ts';

/**
 * Inspects the replay's page at its first divergent browser action (once per replay): the page's
 * url, title and text, the selectors the action acted on, and a screenshot, attached to that divergence with the original's own
 * screenshot of the action, if it took one.
 *
 * @example
 * const pages = new DivergentPages(sim, source.events, tracker);
 * // runSimulation(..., { replay: { onPageInspector: (s) => pages.watch(s) } }); after tracker.check(record):
 * pages.checked(record);
 */
export class DivergentPages {
  readonly #browserActions: ReadonlySet<string>;
  readonly #shots = new Map<number, string>();
  #session: PageInspector | null = null;
  #done = false;

  constructor(sim: Simulation, events: readonly EventRecord[] | undefined, readonly tracker: DivergenceTracker) {
    this.#browserActions = new Set(Object.values(sim.actions ?? {}).filter((a) => a.browser).map((a) => a.name));
    for (const event of events ?? []) {
      const detail = event.detail as { file?: unknown; actionSeq?: unknown } | null;
      if (event.kind === 'screenshot' && typeof detail?.file === 'string' && typeof detail.actionSeq === 'number' && !this.#shots.has(detail.actionSeq)) {
        this.#shots.set(detail.actionSeq, detail.file);
      }
    }
  }

  watch(session: PageInspector): void {
    this.#session = session;
  }

  /** Call after the tracker checked `record`: when it is the first browser action that diverged, its page is inspected. */
  checked(record: ActionRecord): void {
    if (this.#done || !this.#session || !this.#browserActions.has(record.action)) return;
    const divergence = this.tracker.kept.find((d) => d.seq === record.seq);
    if (!divergence) return;
    this.#done = true;
    const originalScreenshot = this.#shots.get(record.seq) ?? null;
    const expected = (divergence.expected as { error?: unknown } | null)?.error;
    const named = selectorIn(record.error) ?? selectorIn(typeof expected === 'string' ? expected : null);
    this.#session.inspect(record.actorId, record.seq, (view) => {
      // Without an error to name it, the last selector the action acted on is where it read what differs.
      divergence.page = { ...view, selector: named ?? view.selectors.at(-1) ?? null, originalScreenshot };
    });
  }
}

/** The selector a Playwright error (as pageError words it) names: `... waiting for getByRole('button', { name: 'Add' })`. */
export function selectorIn(error: string | null): string | null {
  if (!error) return null;
  return /waiting for (.+)$/m.exec(error)?.[1] ?? /strict mode violation: (.+?) resolved to/.exec(error)?.[1] ?? null;
}
