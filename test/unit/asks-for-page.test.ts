import { describe, expect, it } from 'vitest';
import { defineAction, defineActions } from 'beamulator';
import { asksForPage } from '../../src/actions/asks-for-page.ts';

describe('asksForPage', () => {
  it('sees `page` destructured from the second parameter, however it is written', () => {
    expect(asksForPage(async (_args: unknown, { page }: any) => page)).toBe(true);
    expect(asksForPage(async (_args: unknown, { http, page: p }: any) => [http, p])).toBe(true);
    expect(asksForPage(async function named(_args: unknown, { page = null }: any = {}) { return page; })).toBe(true);
    expect(asksForPage(async (_args: unknown, io: any) => io.page.title())).toBe(true);
    expect(asksForPage(async (_args: unknown, io: any) => io?.page)).toBe(true);
  });

  it('does not see it elsewhere: in the args, in another name, on another object', () => {
    expect(asksForPage(async ({ page }: any, { http }: any) => [page, http])).toBe(false);
    expect(asksForPage(async (_args: unknown, { pageSize }: any) => pageSize)).toBe(false);
    expect(asksForPage(async (_args: unknown, io: any) => [io.http, io.pages, other.page])).toBe(false);
    expect(asksForPage(async () => 1)).toBe(false);
    expect(asksForPage(async (args: unknown) => args)).toBe(false);
  });

  it('marks the actions defineActions and defineAction make', () => {
    const { ui, api } = defineActions({ ui: async (_args: unknown, { page }) => page.title(), api: async (_args: unknown, { http }) => http.get('/') });
    expect(ui.browser).toBe(true);
    expect(api.browser).toBeUndefined();
    expect(defineAction('explicit', async (_args: unknown, io) => io.page.title(), { browser: true }).browser).toBe(true);
    expect(defineAction('off', async (_args: unknown, { page }) => page.title(), { browser: false }).browser).toBeUndefined();
  });
});

const other = { page: 1 };
