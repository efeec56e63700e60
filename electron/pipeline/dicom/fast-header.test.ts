import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { parseHeader } from './dcmjs-parse.ts';
import { fastHeader } from './fast-header.ts';
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
    let answered = 0, ct = 0, declined = 0;
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
    }
    expect(ct).toBe(64);
    expect(answered).toBeGreaterThan(100);
    expect(declined).toBeGreaterThan(0); // PET, RTSTRUCT and enhanced objects go to the parser
  });

  it('declines non-ASCII text, a wrong VR, PET and files without identity', () => {
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
    expect(fastHeader(analyseFile(part10(swap(2, [0x0008, 0x0060, 'CS', 'PT'])), 'c.dcm'), 'c.dcm')).toBeNull();
    expect(fastHeader(analyseFile(part10(swap(1, [0x0008, 0x0018, 'UI', ''])), 'd.dcm'), 'd.dcm')).toBeNull();
  });
});
