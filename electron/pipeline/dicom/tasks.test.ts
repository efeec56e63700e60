import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { cat, ex, part10 } from '../../../test/dicom-bytes.ts';
import { analyseFile, EXPLICIT_LE } from './file-layout.ts';
import { readNative16Into } from './read-file.ts';
import { runBoundedTask, runTask, type FramesRequest } from './tasks.ts';

const ct = (name: string) => sharedData('ct-lung-philips', name);
const syntaxes = (name: string) => sharedData('transfer-syntaxes', name);
const RTSTRUCT_FILE = sharedData('rtstruct', 'rt-utils', 'mock_data', 'rt.dcm');

describe('runBoundedTask (work on the caller\'s thread)', () => {
  it('reads a plain CT header exactly as the full task does', async () => {
    const path = ct(readdirSync(sharedData('ct-lung-philips')).find((n) => n.endsWith('.dcm'))!);
    const here = await runBoundedTask({ op: 'header', path });
    expect(here).toEqual(await runTask({ op: 'header', path }));
    expect(here?.ok && here.header.modality).toBe('CT');
  });

  it('reads a PET header here as the full task does, and leaves RT Structure Sets to the workers', async () => {
    const pet = { op: 'header', path: sharedData('pet-slices', '1.dcm') } as const;
    const here = await runBoundedTask(pet);
    expect(here?.ok && here.header.suv?.RadionuclideTotalDose).toBeCloseTo(178340011.59668, 3);
    expect(here).toEqual(await runTask(pet));
    expect(await runBoundedTask({ op: 'header', path: RTSTRUCT_FILE })).toBeNull();
  });

  it('reports a non-DICOM file with the full task\'s message', async () => {
    const path = sharedData('malformed', 'README.txt');
    const here = await runBoundedTask({ op: 'header', path });
    expect(here).toEqual(await runTask({ op: 'header', path }));
    expect(here).toMatchObject({ ok: false, code: 'DICOM_NOT_DICOM' });
  });

  it('converts native frames straight into the given arrays, equal to the full task', async () => {
    const path = syntaxes('CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm');
    const scanned = await runTask({ op: 'header', path });
    if (!scanned.ok) throw new Error(scanned.message);
    const { rows, columns } = scanned.header.pixel!;
    const req: FramesRequest = { op: 'frames', path, frames: [1], scale: 1, expect: { sopInstanceUID: scanned.header.sopInstanceUID, rows, columns }, header: scanned.header };
    const volume = new Float32Array(rows * columns * 2);
    const target = volume.subarray(rows * columns);
    const here = await runBoundedTask({ ...req, targets: [target] });
    expect(here?.ok).toBe(true);
    const full = await runTask(req);
    if (!full.ok) throw new Error(full.message);
    expect(Array.from(target)).toEqual(Array.from(full.frames![0]));
    expect(volume.subarray(0, rows * columns).every((v) => v === 0)).toBe(true);
    expect(full.frames![0].reduce((a, b) => Math.min(a, b), Infinity)).toBeLessThan(0); // HU: the rescale was applied
  });

  it('leaves compressed frames, unscanned files and changed files to the workers', async () => {
    const jpeg = syntaxes('CTImage.dcm_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm');
    const scanned = await runTask({ op: 'header', path: jpeg });
    if (!scanned.ok) throw new Error(scanned.message);
    const { rows, columns } = scanned.header.pixel!;
    const req: FramesRequest = { op: 'frames', path: jpeg, frames: [1], scale: 1, expect: { sopInstanceUID: scanned.header.sopInstanceUID, rows, columns }, header: scanned.header };
    expect(await runBoundedTask(req)).toBeNull();
    expect(await runBoundedTask({ ...req, header: undefined })).toBeNull();
    const other = syntaxes('CTImage.dcm_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm');
    expect(await runBoundedTask({ ...req, path: other, expect: { ...req.expect, sopInstanceUID: '1.2.3' } })).toBeNull();
  });

  /** Explicit VR LE CT header with a private OB element of `privateBytes` before the identity. */
  const longHeader = (privateBytes: number, pixels?: Uint8Array) => part10(EXPLICIT_LE, cat(
    ex(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    ex(0x0008, 0x0018, 'UI', '1.2.3.4'),
    ex(0x0008, 0x0060, 'CS', 'CT'),
    ex(0x0009, 0x1010, 'OB', new Uint8Array(privateBytes)),
    ex(0x0020, 0x000e, 'UI', '1.2.3.5'),
    ...(pixels ? [ex(0x7fe0, 0x0010, 'OW', pixels)] : []),
  ), false);

  it('leaves a header longer than the 128 KB head to the workers (work here stays bounded)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'delineo-tasks-'));
    try {
      const big = path.join(dir, 'long-header.dcm');
      writeFileSync(big, longHeader(200 * 1024));
      expect(await runBoundedTask({ op: 'header', path: big })).toBeNull();
      const full = await runTask({ op: 'header', path: big });
      expect(full.ok && full.header.seriesInstanceUID).toBe('1.2.3.5');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a header longer than the first 16 KB read again here, up to 128 KB, pixels located', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'delineo-tasks-'));
    try {
      // 40 KB of private data: past the first read; 16 KB − 232 bytes: the first read ends
      // exactly between the private element and the next one (not a truncated element).
      for (const privateBytes of [40 * 1024, 16 * 1024 - 232]) {
        const file = path.join(dir, `h${privateBytes}.dcm`);
        writeFileSync(file, longHeader(privateBytes, new Uint8Array(64 * 1024)));
        const here = await runBoundedTask({ op: 'header', path: file });
        expect(here).toEqual(await runTask({ op: 'header', path: file }));
        expect(here?.ok && [here.header.seriesInstanceUID, here.pixelSpan?.length]).toEqual(['1.2.3.5', 64 * 1024]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The scan's pixel span lets a load read a slice's pixels straight into the volume.
  const inPlaceCases = [
    ['unsigned 12-of-16-bit CT (Philips)', ct('1-01.dcm')],
    ['signed 16-bit CT, Implicit VR', syntaxes('CTImage.dcm_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm')],
    ['signed 16-bit CT, Explicit VR', syntaxes('CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm')],
  ] as const;
  it.each(inPlaceCases)('reads the pixels of a %s in place, equal to the full task', async (_, path) => {
    const scanned = await runBoundedTask({ op: 'header', path });
    if (!scanned?.ok) throw new Error('not scanned on the caller\'s thread');
    const span = scanned.pixelSpan!;
    // The span is where the whole-file walk finds the Pixel Data value.
    const bytes = new Uint8Array(readFileSync(path));
    const whole = analyseFile(bytes, path);
    expect(whole.pixelSpan).toEqual(span);
    expect(whole.pixelData?.kind === 'native' && whole.pixelData.bytes.byteOffset - bytes.byteOffset).toBe(span.offset);
    const { rows, columns } = scanned.header.pixel!;
    const n = rows * columns;
    const req: FramesRequest = { op: 'frames', path, frames: [1], scale: 1, expect: { sopInstanceUID: scanned.header.sopInstanceUID, rows, columns }, header: scanned.header };
    const full = await runTask(req);
    if (!full.ok) throw new Error(full.message);
    const volume = new Float32Array(n * 3).fill(7);
    const slice = volume.subarray(n, 2 * n);
    expect(await readNative16Into(path, scanned.header, span, 1, slice)).toBe(true);
    expect(slice).toEqual(full.frames![0]);
    // Neighbouring slices untouched.
    expect(volume.subarray(0, n).every((v) => v === 7) && volume.subarray(2 * n).every((v) => v === 7)).toBe(true);
    // Through the task, with a scale (as for PET).
    const target = new Float32Array(n);
    const here = await runBoundedTask({ ...req, pixelSpan: span, scale: 2, targets: [target] });
    expect(here?.ok).toBe(true);
    expect(target).toEqual(full.frames![0].map((v) => 2 * v));
  });

  it('refuses to read in place a file that is not what scanning saw, and still loads it right', async () => {
    const file = ct('1-01.dcm');
    const scanned = await runBoundedTask({ op: 'header', path: file });
    if (!scanned?.ok) throw new Error('not scanned on the caller\'s thread');
    const span = scanned.pixelSpan!;
    const n = 512 * 512;
    const out = new Float32Array(n);
    // Pixels elsewhere than scanning found them, or more of them.
    expect(await readNative16Into(file, scanned.header, { ...span, offset: span.offset + 2 }, 1, out)).toBe(false);
    expect(await readNative16Into(file, scanned.header, { ...span, length: span.length + 2 }, 1, out)).toBe(false);
    // Another instance now at this path.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'delineo-tasks-'));
    try {
      const moved = path.join(dir, 'slice.dcm');
      copyFileSync(ct('1-02.dcm'), moved);
      expect(await readNative16Into(moved, { ...scanned.header, path: moved }, span, 1, out)).toBe(false);
      // Truncated since scanning.
      writeFileSync(moved, readFileSync(file).subarray(0, span.offset + 1000));
      expect(await readNative16Into(moved, { ...scanned.header, path: moved }, span, 1, out)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The task falls back to reading the whole file when the span is stale.
    const req: FramesRequest = { op: 'frames', path: file, frames: [1], scale: 1, expect: { sopInstanceUID: scanned.header.sopInstanceUID, rows: 512, columns: 512 }, header: scanned.header };
    const full = await runTask(req);
    if (!full.ok) throw new Error(full.message);
    const target = new Float32Array(n);
    expect(await runBoundedTask({ ...req, pixelSpan: { ...span, offset: span.offset + 2 }, targets: [target] })).toMatchObject({ ok: true });
    expect(target).toEqual(full.frames![0]);
  });
});
