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
