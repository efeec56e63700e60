import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { parseHeader } from './dcmjs-parse.ts';
import { fastHeader } from './fast-header.ts';
import { cat, ex, part10 as part10File } from '../../../test/dicom-bytes.ts';
import { analyseFile, EXPLICIT_LE } from './file-layout.ts';
import { extractHeader } from './header.ts';
import { readBytes } from './read-file.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** A minimal Explicit VR LE Part 10 file from (group, element, VR, value) elements. */
function part10(elements: [number, number, string, string][]): Uint8Array {
  const chunks: number[] = [...new Array(128).fill(0), 0x44, 0x49, 0x43, 0x4d];
  const el = (g: number, e: number, vr: string, bytes: number[]) => {
    if (bytes.length % 2) bytes.push(vr === 'UI' ? 0 : 0x20);
    chunks.push(g & 0xff, g >> 8, e & 0xff, e >> 8, vr.charCodeAt(0), vr.charCodeAt(1), bytes.length & 0xff, bytes.length >> 8, ...bytes);
  };
  el(2, 0x10, 'UI', [...EXPLICIT_LE].map((c) => c.charCodeAt(0)));
  for (const [g, e, vr, v] of elements) el(g, e, vr, [...Buffer.from(v, 'latin1')]);
  return new Uint8Array(chunks);
}

describe('fastHeader', () => {
  it('equals the full dcmjs parse on every real file it answers for, and answers for the CT', async () => {
    let answered = 0, ct = 0, pet = 0, declined = 0;
    for (const file of filesUnder(sharedData())) {
      let layout;
      try {
        layout = analyseFile(await readBytes(file), file);
      } catch {
        continue; // not DICOM or malformed: the fast path is never asked
      }
      const fast = fastHeader(layout, file);
      if (!fast) {
        declined++;
        continue;
      }
      const full = extractHeader(parseHeader(layout, file), file, layout.transferSyntaxUID, layout.hasPixelData);
      expect(fast, file).toEqual(full);
      answered++;
      if (file.includes('ct-lung-philips')) ct++;
      if (fast.modality === 'PT') pet++;
    }
    expect(ct).toBe(64);
    expect(pet).toBe(48 + 2); // STS_002 (GE, Implicit VR, GML) and the two BQML slices
    expect(answered).toBeGreaterThan(150);
    expect(declined).toBeGreaterThan(0); // RTSTRUCT and enhanced objects go to the parser
  });

  it('declines non-ASCII text, a wrong VR and files without identity', () => {
    const base: [number, number, string, string][] = [
      [0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.2'],
      [0x0008, 0x0018, 'UI', '1.2.3.4'],
      [0x0008, 0x0060, 'CS', 'CT'],
      [0x0010, 0x0010, 'PN', 'Doe^Jane'],
      [0x0020, 0x000e, 'UI', '1.2.3.5'],
    ];
    const ok = fastHeader(analyseFile(part10(base), 'ok.dcm'), 'ok.dcm');
    expect(ok?.patient.patientName).toBe('Doe^Jane');
    expect(ok?.sopInstanceUID).toBe('1.2.3.4');
    const swap = (i: number, v: [number, number, string, string]) => base.map((b, j) => (j === i ? v : b));
    expect(fastHeader(analyseFile(part10(swap(3, [0x0010, 0x0010, 'PN', 'M\u00fcller^Hans'])), 'a.dcm'), 'a.dcm')).toBeNull();
    expect(fastHeader(analyseFile(part10(swap(2, [0x0008, 0x0060, 'LO', 'CT'])), 'b.dcm'), 'b.dcm')).toBeNull();
    expect(fastHeader(analyseFile(part10(swap(1, [0x0008, 0x0018, 'UI', ''])), 'd.dcm'), 'd.dcm')).toBeNull();
  });

  describe('PET', () => {
    const UNDEFINED = 0xffffffff;
    const item = (element: number, length: number) => {
      const b = new Uint8Array(8);
      const d = new DataView(b.buffer);
      d.setUint16(0, 0xfffe, true); d.setUint16(2, element, true); d.setUint32(4, length, true);
      return b;
    };
    /** The radiopharmaceutical item's elements, a nested code sequence among them. */
    const drug = cat(
      ex(0x0018, 0x0031, 'LO', 'FDG'),
      ex(0x0018, 0x1072, 'TM', '101500.00'),
      ex(0x0018, 0x1074, 'DS', '370000000 '),
      ex(0x0018, 0x1075, 'DS', '6586.2'),
      ex(0x0054, 0x0300, 'SQ', cat(item(0xe000, UNDEFINED), ex(0x0008, 0x0100, 'SH', 'C-111A1'), item(0xe00d, 0), item(0xe0dd, 0)), UNDEFINED),
    );
    const definedItem = cat(item(0xe000, drug.length), drug);
    const noBytes = new Uint8Array(0);

    /** A PET slice header whose Radiopharmaceutical Information Sequence holds `sequence`. */
    interface PetOptions { sequenceLength?: number; ge?: Uint8Array; philips?: Uint8Array; modality?: string }
    function pet(sequence: Uint8Array, { sequenceLength = sequence.length, ge = noBytes, philips = noBytes, modality = 'PT' }: PetOptions = {}): Uint8Array {
      return part10File(EXPLICIT_LE, cat(
        ex(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.128'),
        ex(0x0008, 0x0018, 'UI', '1.2.3.4'),
        ex(0x0008, 0x0021, 'DA', '20260101'),
        ex(0x0008, 0x0022, 'DA', '20260101'),
        ex(0x0008, 0x0031, 'TM', '110000'),
        ex(0x0008, 0x0032, 'TM', '110500'),
        ex(0x0008, 0x0060, 'CS', modality),
        ex(0x0008, 0x0070, 'LO', ''),
        ge,
        ex(0x0010, 0x1030, 'DS', '70.5'),
        ex(0x0020, 0x000e, 'UI', '1.2.3.5'),
        ex(0x0028, 0x0051, 'CS', 'ATTN\\DECY'),
        ex(0x0054, 0x0016, 'SQ', sequence, sequenceLength),
        ex(0x0054, 0x1001, 'CS', 'BQML'),
        ex(0x0054, 0x1102, 'CS', 'START'),
        philips,
      ));
    }
    const fast = (bytes: Uint8Array) => fastHeader(analyseFile(bytes, 'pet.dcm'), 'pet.dcm');
    const full = (bytes: Uint8Array) => {
      const layout = analyseFile(bytes, 'pet.dcm');
      return extractHeader(parseHeader(layout, 'pet.dcm'), 'pet.dcm', layout.transferSyntaxUID, layout.hasPixelData);
    };

    it('reads the radiopharmaceutical from the first item exactly as the parser does, nested sequences skipped', () => {
      const shapes: Record<string, Uint8Array> = {
        'undefined lengths': pet(cat(item(0xe000, UNDEFINED), drug, item(0xe00d, 0), item(0xe0dd, 0)), { sequenceLength: UNDEFINED }),
        'defined lengths': pet(definedItem),
        'a second item': pet(cat(definedItem, item(0xe000, 10), ex(0x0018, 0x1074, 'DS', '1'))),
        'no item': pet(noBytes),
      };
      for (const [name, bytes] of Object.entries(shapes)) {
        expect(fast(bytes), name).not.toBeNull();
        expect(fast(bytes), name).toEqual(full(bytes));
      }
      const header = fast(shapes['defined lengths'])!;
      expect(header.suv).toMatchObject({ RadionuclideTotalDose: 370000000, RadionuclideHalfLife: 6586.2, RadiopharmaceuticalStartTime: '101500.00', Units: 'BQML', Manufacturer: '' });
      expect(header.suv?.CorrectedImage).toEqual(['ATTN', 'DECY']);
    });

    it('leaves a malformed radiopharmaceutical item to the parser', () => {
      expect(fast(pet(cat(item(0xe000, drug.length + 8), drug)))).toBeNull(); // the item overruns its sequence
    });

    it('leaves a PET with GE or Philips private groups to the parser, not a CT with them', () => {
      const ge = ex(0x0009, 0x0010, 'LO', 'GEMS_PETD_01');
      expect(fast(pet(definedItem, { ge }))).toBeNull();
      expect(fast(pet(definedItem, { philips: ex(0x7053, 0x0010, 'LO', 'Philips PET Private Group') }))).toBeNull();
      expect(fast(pet(definedItem, { ge, modality: 'CT' }))?.modality).toBe('CT');
    });
  });
});
