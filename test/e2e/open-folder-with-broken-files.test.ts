/**
 * User story: someone drops a folder where some files are broken (truncated, bad VRs, no meta
 * header) next to a small valid CT. The app never crashes or hangs: the valid CT opens, and the
 * files it could not use are listed with their path and the reason in one line each.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sharedData } from '../paths.ts';
import { startHarness, type Harness } from './harness.ts';

describe('a folder with broken files', () => {
  let h: Harness | null = null;
  afterAll(async () => { await h?.close(); });

  it('opens what it can and names each file it could not use', async () => {
    h = await startHarness({ openPaths: [sharedData('malformed')] });
    await h.page.getByRole('button', { name: 'Open…' }).click();
    // Either the review (a CT was found) or the start screen with an error: never stuck opening.
    await h.page.waitForFunction(() => ['review', 'start', 'choose-study'].includes((globalThis as any).__delineoSession.phase)
      && (globalThis as any).__delineoSession.phase !== 'opening', null, { timeout: 60_000 });
    await h.page.waitForTimeout(1000);
    const problems = await h.page.evaluate(() => (globalThis as any).__delineoSession.openProblems as { path: string; message: string }[]);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p.path).toContain('/malformed/');
      expect(p.message.length).toBeGreaterThan(3);
      expect(p.message).not.toContain('\n');
    }
    const summary = h.page.locator('details.notice summary', { hasText: 'could not be used' });
    expect(await summary.innerText()).toContain(`${problems.length} file(s) could not be used`);
    await summary.click();
    expect(await h.page.locator('details.notice').last().innerText()).toContain(problems[0].path);
    // Several small studies are in that folder: the browser lists them, and one opens.
    if (await h.page.evaluate(() => (globalThis as any).__delineoSession.phase) === 'choose-study') {
      await h.shot('30-broken-files-choose');
      await h.page.getByRole('button', { name: 'Open', exact: true }).first().click();
    }
    await h.page.waitForFunction(() => (globalThis as any).__delineoSession.phase === 'review', null, { timeout: 60_000 });
    await h.page.waitForTimeout(500);
    await h.shot('31-broken-files-review');
    expect(h.problems.filter((p) => p.startsWith('pageerror'))).toEqual([]);
  });
});
