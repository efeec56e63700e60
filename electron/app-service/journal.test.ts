import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalWriter, listJournals, readJournal, setAsideJournal, writeJournal, type JournalSnapshot } from './journal.ts';

function snapshot(fill: number): JournalSnapshot {
  const mask = new Uint8Array(1000);
  mask.fill(1, 100, 100 + fill);
  return {
    studyInstanceUID: '1.2.3', patientName: 'Doe^<img src=x onerror=alert(1)>', studyPaths: ['/data/study'],
    planningSeriesKey: '1.2.3.4',
    structures: [{ name: 'GTV', color: [255, 0, 0], interpretedType: 'GTV', generation: 'SEMIAUTOMATIC', source: 'model', model: { name: 'm', version: '1' }, mask }],
  };
}

describe('journal', () => {
  it('round-trips a snapshot and lists it', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'delineo-journal-'));
    await writeJournal(root, 'j1', snapshot(50), new Date('2026-01-02T03:04:05Z'));
    const back = await readJournal(root, 'j1');
    expect(back.savedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(back.structures[0].mask.reduce((a, b) => a + b, 0)).toBe(50);
    expect(back.structures[0].mask[100]).toBe(1);
    expect(back.structures[0].generation).toBe('SEMIAUTOMATIC');
    const list = await listJournals(root);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ journalId: 'j1', restorable: true, problem: null, patientName: 'Doe^<img src=x onerror=alert(1)>' });
  });

  it('keeps each structure\'s origin, and reads an unknown one (an older journal\'s) as drawn', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'delineo-journal-'));
    await writeJournal(root, 'j1', snapshot(5));
    expect((await readJournal(root, 'j1')).structures[0].source).toBe('model');
    const file = path.join(root, 'j1', 'journal.json');
    const meta = JSON.parse(await readFile(file, 'utf8'));
    meta.structures[0].source = 'journal';
    await writeFile(file, JSON.stringify(meta));
    expect((await readJournal(root, 'j1')).structures[0].source).toBe('user');
  });

  it('a second write replaces the masks of the first', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'delineo-journal-'));
    await writeJournal(root, 'j1', snapshot(10), new Date(1000));
    await writeJournal(root, 'j1', snapshot(20), new Date(2000));
    expect((await readJournal(root, 'j1')).structures[0].mask.reduce((a, b) => a + b, 0)).toBe(20);
    expect((await readdir(path.join(root, 'j1'))).filter((f) => f.endsWith('.mask.gz'))).toHaveLength(1);
  });

  it('reports a broken journal and keeps it on disk', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'delineo-journal-'));
    await writeJournal(root, 'good', snapshot(5));
    await writeJournal(root, 'nomask', snapshot(5));
    for (const f of await readdir(path.join(root, 'nomask'))) if (f.endsWith('.gz')) await rm(path.join(root, 'nomask', f));
    await writeJournal(root, 'garbled', snapshot(5));
    await writeFile(path.join(root, 'garbled', 'journal.json'), '{not json');
    const list = await listJournals(root);
    const by = Object.fromEntries(list.map((e) => [e.journalId, e]));
    expect(by.good.restorable).toBe(true);
    expect(by.nomask.restorable).toBe(false);
    expect(by.nomask.problem).toMatch(/nomask\/0-.*\.mask\.gz: mask file missing$/);
    expect(by.garbled.restorable).toBe(false);
    expect(by.garbled.problem).toMatch(/garbled\/journal\.json: cannot be read/);
    await expect(readJournal(root, 'garbled')).rejects.toThrow(/journal\.json: cannot be read/);
    expect((await readdir(root)).sort()).toEqual(['garbled', 'good', 'nomask']);
  });

  it('setAside hides a journal without deleting it', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'delineo-journal-'));
    await writeJournal(root, 'j1', snapshot(5));
    expect(await setAsideJournal(root, 'j1', 'discarded')).toBe(true);
    expect(await listJournals(root)).toEqual([]);
    expect((await readdir(root))[0]).toMatch(/^j1\.discarded-/);
    expect(await setAsideJournal(root, 'j1', 'discarded')).toBe(false);
  });

  it('the writer debounces edits and writes within the max delay', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'delineo-journal-'));
    const w = new JournalWriter(root, 50, 120);
    let takes = 0;
    let fill = 0;
    const start = Date.now();
    // Edits every 20 ms for 300 ms: the debounce alone would never fire; the max delay must.
    while (Date.now() - start < 300) {
      fill++;
      w.schedule('j', () => { takes++; return snapshot(fill); });
      await new Promise((r) => setTimeout(r, 20));
    }
    await w.flush();
    expect(takes).toBeGreaterThanOrEqual(2);
    expect(takes).toBeLessThan(fill);
    expect((await readJournal(root, 'j')).structures[0].mask.reduce((a, b) => a + b, 0)).toBe(fill);
  });

  it('a write that fails is reported in one line and the next edit tries again', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'delineo-journal-'));
    const blocked = path.join(dir, 'journal');
    await writeFile(blocked, 'a file where the journal folder should be');
    const w = new JournalWriter(blocked, 10, 20);
    const errors: string[] = [];
    w.onError = (m) => errors.push(m);
    w.schedule('j', () => snapshot(3));
    await new Promise((r) => setTimeout(r, 60));
    await w.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^autosave failed: .*(EEXIST|ENOTDIR)/);
    expect(errors[0]).not.toContain('\n');
    await rm(blocked);
    w.schedule('j', () => snapshot(4));
    await w.flush();
    expect((await readJournal(blocked, 'j')).structures[0].mask.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
