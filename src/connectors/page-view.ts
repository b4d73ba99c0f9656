/**
 * What a browser actor's page showed (see ActorPage.inspect). Its own module, free of Playwright's
 * types: replay reports carry it, and the package's public types must not reach Playwright's.
 */
export interface PageView {
  url: string;
  title: string;
  /** Its visible text, whitespace collapsed, clipped to 300 characters. */
  text: string;
  /** Where its screenshot was written, or null. */
  screenshot: string | null;
}

/** An actor's page after one of its actions: what it showed, and the selectors the action acted on (see PageCalls). */
export interface ActionPageView extends PageView {
  /** The selectors the action's code acted on (clicked, filled, read, waited for), the last one last; at most 5. */
  selectors: string[];
}

/** What a replay needs of a run's browser session: a look at an actor's page after an action (see BrowserSession.inspect). */
export interface PageInspector {
  inspect(actorId: number, actionSeq: number, then: (view: ActionPageView) => void): void;
}
