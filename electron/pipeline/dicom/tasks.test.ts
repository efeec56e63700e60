import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { runBoundedTask, runTask, type FramesRequest } from './tasks.ts';

const ct = (name: string) => sharedData('ct-lung-philips', name);
const syntaxes = (name: string) => sharedData('transfer-syntaxes', name);

describe('runBoundedTask (work on the caller\'s thread)', () => {
  it('reads a plain CT header exactly as the full task does', async () => {
    const path = ct(readdirSync(sharedData('ct-lung-philips')).find((n) => n.endsWith('.dcm'))!);
    const here = await runBoundedTask({ op: 'header', path });
    expect(here).toEqual(await runTask({ op: 'header', path }));
    expect(here?.ok && here.header.modality).toBe('CT');
  });

  it('leaves PET headers (sequences, private scale factors) to the workers', async () => {
    expect(await runBoundedTask({ op: 'header', path: sharedData('pet-slices', '1.dcm') })).toBeNull();
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
});
