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

/** What a replay needs of a run's browser session: a look at an actor's page after an action (see BrowserSession.inspect). */
export interface PageInspector {
  inspect(actorId: number, actionSeq: number, then: (view: PageView) => void): void;
}
