/**
 * The layout walk on hand-built byte streams: each guard (declared lengths, missing meta,
 * deep nesting, truncation) fails with a one-line reason instead of an allocation or a hang.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { str } from './dataset.ts';
import { parseHeader } from './dcmjs-parse.ts';
import { analyseFile, EXPLICIT_LE, IMPLICIT_LE } from './file-layout.ts';
import { cat, ex, im, part10 } from '../../../test/dicom-bytes.ts';

const pixels = ex(0x7fe0, 0x0010, 'OW', new Uint8Array(8).fill(7));
const base = () => cat(ex(0x0008, 0x0018, 'UI', '1.2.3.4'), ex(0x0008, 0x0060, 'CS', 'CT'), ex(0x0020, 0x000e, 'UI', '9.8'));

describe('analyseFile', () => {
  it('finds syntax, SOP UID and native Pixel Data; dcmjs reads the header it prepares', () => {
    const layout = analyseFile(part10(EXPLICIT_LE, cat(base(), pixels)), 'a.dcm');
    expect(layout.transferSyntaxUID).toBe(EXPLICIT_LE);
    expect(layout.sopInstanceUID).toBe('1.2.3.4');
    expect(layout.pixelData).toEqual({ kind: 'native', bytes: new Uint8Array(8).fill(7) });
    expect(str(parseHeader(layout, 'a.dcm'), 'Modality')).toBe('CT');
  });

  it('reads files without preamble and meta (implicit and explicit VR), and meta without group length', () => {
    const implicit = cat(im(0x0008, 0x0018, '1.2.3.4'), im(0x0008, 0x0060, 'MR'), im(0x7fe0, 0x0010, new Uint8Array(4)));
    const a = analyseFile(implicit, 'raw.dcm');
    expect([a.transferSyntaxUID, a.hadMeta, str(parseHeader(a, 'raw.dcm'), 'Modality')]).toEqual([IMPLICIT_LE, false, 'MR']);
    const b = analyseFile(cat(base(), pixels), 'raw-ex.dcm');
    expect(b.transferSyntaxUID).toBe(EXPLICIT_LE);
    const c = analyseFile(part10(EXPLICIT_LE, cat(base(), pixels), false), 'nogl.dcm');
    expect(str(parseHeader(c, 'nogl.dcm'), 'SeriesInstanceUID')).toBe('9.8');
  });

  it('refuses a declared length that cannot fit instead of allocating it', () => {
    const huge = ex(0x0008, 0x103e, 'UT', 'x', 0xfffffff0);
    expect(() => analyseFile(part10(EXPLICIT_LE, cat(base(), huge)), 'huge.dcm')).toThrow(
      /^huge\.dcm: element \(0008,103E\) declares 4294967280 bytes but only \d+ remain \(truncated or corrupt\)$/,
    );
    const bigPixels = ex(0x7fe0, 0x0010, 'OW', new Uint8Array(4), 1 << 30);
    expect(() => analyseFile(part10(EXPLICIT_LE, cat(base(), bigPixels)), 'px.dcm')).toThrow('px.dcm: Pixel Data declares 1073741824 bytes but only 4 are in the file (truncated)');
  });

  it('walks undefined-length sequences and stops a runaway nesting', () => {
    const item = (content: Uint8Array) => cat(im(0xfffe, 0xe000, content, 0xffffffff), im(0xfffe, 0xe00d, new Uint8Array(0)));
    const seqEnd = im(0xfffe, 0xe0dd, new Uint8Array(0));
    const sq = (content: Uint8Array) => cat(ex(0x0008, 0x1115, 'SQ', new Uint8Array(0), 0xffffffff), item(content), seqEnd);
    const ok = analyseFile(part10(EXPLICIT_LE, cat(base().subarray(0, 0), sq(ex(0x0020, 0x000e, 'UI', '1.1')), ex(0x0020, 0x000e, 'UI', '9.8'), pixels)), 'sq.dcm');
    expect(ok.pixelData?.kind).toBe('native');
    let deep = ex(0x0020, 0x000e, 'UI', '1.1');
    for (let i = 0; i < 80; i++) deep = sq(deep);
    expect(() => analyseFile(part10(EXPLICIT_LE, deep), 'deep.dcm')).toThrow(/deep\.dcm: sequences nested deeper than 64 levels/);
    const unterminated = cat(ex(0x0008, 0x1115, 'SQ', new Uint8Array(0), 0xffffffff), im(0xfffe, 0xe000, new Uint8Array(0), 0xffffffff));
    expect(() => analyseFile(part10(EXPLICIT_LE, unterminated), 'open.dcm')).toThrow(/open\.dcm: truncated element header/);
  });

  it('inflates a deflated dataset and reads it as Explicit VR LE', () => {
    const file = part10('1.2.840.10008.1.2.1.99', new Uint8Array(deflateRawSync(cat(base(), pixels))));
    const layout = analyseFile(file, 'dfl.dcm');
    expect(layout.headerSyntaxUID).toBe(EXPLICIT_LE);
    expect(layout.pixelData).toEqual({ kind: 'native', bytes: new Uint8Array(8).fill(7) });
    expect(str(parseHeader(layout, 'dfl.dcm'), 'Modality')).toBe('CT');
    const broken = part10('1.2.840.10008.1.2.1.99', new Uint8Array([1, 2, 3, 4, 5]));
    expect(() => analyseFile(broken, 'bad-dfl.dcm')).toThrow(/bad-dfl\.dcm: deflated dataset does not inflate/);
  });

  it('locates encapsulated fragments and the offset table', () => {
    const frag = (bytes: number[]) => im(0xfffe, 0xe000, new Uint8Array(bytes));
    const bot = new Uint8Array(8); new DataView(bot.buffer).setUint32(4, 12, true);
    const encapsulated = cat(ex(0x7fe0, 0x0010, 'OB', new Uint8Array(0), 0xffffffff), im(0xfffe, 0xe000, bot), frag([1, 2, 3, 4]), frag([5, 6, 7, 8]), im(0xfffe, 0xe0dd, new Uint8Array(0)));
    const layout = analyseFile(part10('1.2.840.10008.1.2.4.50', cat(base(), encapsulated)), 'jpg.dcm');
    expect(layout.pixelData).toEqual({ kind: 'encapsulated', offsetTable: [0, 12], fragments: [new Uint8Array([1, 2, 3, 4]), new Uint8Array([5, 6, 7, 8])] });
  });

  it('on a head-only read, notes Pixel Data without locating it, and still catches a truncated file', () => {
    const whole = part10(EXPLICIT_LE, cat(base(), pixels));
    const head = whole.subarray(0, whole.length - 4);
    const layout = analyseFile(head, 'head.dcm', whole.length);
    expect([layout.hasPixelData, layout.pixelData]).toEqual([true, null]);
    expect(() => analyseFile(head, 'short.dcm', whole.length - 2)).toThrow(/short\.dcm: Pixel Data declares 8 bytes but only 6 are in the file/);
  });

  it('on a head-only read that ends between two elements before Pixel Data, asks for more', () => {
    const whole = part10(EXPLICIT_LE, cat(base(), pixels));
    const head = whole.subarray(0, whole.length - pixels.length);
    expect(() => analyseFile(head, 'long.dcm', whole.length)).toThrow(`long.dcm: header continues past the first ${head.length} bytes read`);
  });

  it('says plainly when a file is not DICOM', () => {
    expect(() => analyseFile(new TextEncoder().encode('# README\nhello there'), 'README.md')).toThrow('README.md: not a DICOM file (no "DICM" marker and no recognisable first element)');
  });
});
