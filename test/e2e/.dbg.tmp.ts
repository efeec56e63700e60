import { startHarness } from './harness.ts';
const h = await startHarness();
h.page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 300)));
h.bridge.service.on((e, p) => { if (e === 'job:done') console.log('svc job:done', JSON.stringify(p).slice(0, 200)); });
await h.page.waitForSelector('[data-testid=open-demo]');
await h.page.click('[data-testid=open-demo]');
for (let n = 0; n < 12; n++) {
  await h.page.waitForTimeout(2500);
  console.log(n, JSON.stringify(await h.page.evaluate(() => (globalThis as any).__delineoSession.segment)));
}
await h.close();
