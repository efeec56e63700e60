/**
 * `npm run bench -- registration`: the real CT (ct-lung-philips, 512² × 64) against an MR-like
 * copy of itself moved by a known rigid motion (4°, −6°, 10°; 20, −12, 8 mm), registered by
 * Delineo's rigid Mattes MI (worker thread, as the app runs it) and by Debian's elastix CLI with
 * a standard rigid Mattes-MI parameter file and the same body mask. Prints both times, both
 * target registration errors over the body, and the time ratio (goal: ours ≤ 0.5 × elastix).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSeries, scanPaths } from '../electron/pipeline/dicom/index.ts';
import { matrixFromRows, runRegistration } from '../electron/pipeline/registration/index.ts';
import { bodyMask } from '../electron/pipeline/registration/foreground.ts';
import { mrLikeValue, rigidMotion, secondaryOf, targetRegistrationError } from '../electron/pipeline/registration/testing.ts';
import { affineFrom, invert4, multiply4, spacingOf, transformPoint, type Mat4 } from '../electron/pipeline/volume/geometry.ts';
import type { Volume, VoxelArray } from '../electron/pipeline/volume/volume.ts';
import { sharedData } from '../test/paths.ts';

/** A standard elastix rigid registration: Euler, Mattes MI (32 bins), 3 resolutions, ASGD. */
const ELASTIX_RIGID = `(FixedInternalImagePixelType "float")
(MovingInternalImagePixelType "float")
(FixedImageDimension 3)
(MovingImageDimension 3)
(UseDirectionCosines "true")
(Registration "MultiResolutionRegistration")
(Interpolator "BSplineInterpolator")
(ResampleInterpolator "FinalBSplineInterpolator")
(Resampler "DefaultResampler")
(FixedImagePyramid "FixedRecursiveImagePyramid")
(MovingImagePyramid "MovingRecursiveImagePyramid")
(Optimizer "AdaptiveStochasticGradientDescent")
(Transform "EulerTransform")
(Metric "AdvancedMattesMutualInformation")
(AutomaticScalesEstimation "true")
(AutomaticTransformInitialization "true")
(AutomaticTransformInitializationMethod "GeometricalCenter")
(HowToCombineTransforms "Compose")
(NumberOfHistogramBins 32)
(ErodeMask "false")
(NumberOfResolutions 3)
(MaximumNumberOfIterations 250)
(NumberOfSpatialSamples 2048)
(NewSamplesEveryIteration "true")
(ImageSampler "RandomCoordinate")
(BSplineInterpolationOrder 1)
(FinalBSplineInterpolationOrder 3)
(DefaultPixelValue 0)
(WriteResultImage "false")
`;

/** Default export run by bench/run.ts. */
export default async function bench(): Promise<void> {
  const scan = await scanPaths([sharedData('ct-lung-philips')]);
  const ct = (await loadSeries(scan.studies[0].series[0])).volume;
  const centre = transformPoint(ct.affine, ct.size.map((n) => (n - 1) / 2));
  const truth = rigidMotion([4, -6, 10], [20, -12, 8], [centre[0] + 30, centre[1] - 20, centre[2] + 10]);
  const grid = { size: [300, 300, 40] as [number, number, number], affine: affineFrom(centre.map((c, a) => c - [149.5 * 1.5, 149.5 * 1.5, 19.5 * 6][a]), [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [1.5, 1.5, 6]) };
  const mr = { ...secondaryOf(ct, grid, truth, mrLikeValue, 0.03, 'MR'), frameOfReferenceUID: '1.2.826.0.1.3680043.9.7.20' };
  process.stdout.write(`pair: CT ${ct.size.join('×')} (${spacingOf(ct.affine).map((s) => s.toFixed(2)).join('×')} mm) ← MR-like ${mr.size.join('×')} (1.5×1.5×6 mm); truth 4°/−6°/10°, (20, −12, 8) mm\n`);

  const t0 = performance.now();
  const ours = await runRegistration({ fixed: ct, moving: mr, method: 'rigid-mi' });
  const oursSeconds = (performance.now() - t0) / 1000;
  const oursTre = targetRegistrationError(ct, matrixFromRows(ours.matrix), truth, 3);

  const dir = await mkdtemp(path.join(tmpdir(), 'delineo-bench-reg-'));
  try {
    const mask = bodyMask({ data: Float32Array.from(ct.data), size: ct.size, affine: ct.affine }, true);
    await writeMha(path.join(dir, 'fixed.mha'), ct);
    await writeMha(path.join(dir, 'moving.mha'), mr);
    await writeMha(path.join(dir, 'mask.mha'), { data: mask, size: ct.size, affine: ct.affine });
    await writeFile(path.join(dir, 'rigid.txt'), ELASTIX_RIGID);
    const t1 = performance.now();
    await run('elastix', ['-f', 'fixed.mha', '-m', 'moving.mha', '-fMask', 'mask.mha', '-p', 'rigid.txt', '-out', '.'], dir);
    const elastixSeconds = (performance.now() - t1) / 1000;
    const fixedToMoving = readEulerTransform(await readFile(path.join(dir, 'TransformParameters.0.txt'), 'utf8'));
    const elastixTre = targetRegistrationError(ct, invert4(fixedToMoving), truth, 3);

    const line = (name: string, s: number, t: { mean: number; max: number }) =>
      `${name.padEnd(28)} ${s.toFixed(2).padStart(7)} s   TRE mean ${t.mean.toFixed(3)} mm, max ${t.max.toFixed(3)} mm\n`;
    process.stdout.write(line('delineo rigid-mi (worker)', oursSeconds, oursTre));
    process.stdout.write(line('elastix 5 CLI (Debian)', elastixSeconds, elastixTre));
    process.stdout.write(`ratio delineo/elastix time: ${(oursSeconds / elastixSeconds).toFixed(2)} (goal ≤ 0.50); error ${oursTre.mean <= elastixTre.mean ? 'no worse' : 'WORSE'} than elastix\n`);
  } finally {
    // DELINEO_BENCH_KEEP=1 keeps the images, parameter file and elastix.log for a look.
    if (process.env.DELINEO_BENCH_KEEP) process.stdout.write(`kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/** Write a MetaImage (.mha, LPS like ITK) with the volume's full geometry. */
async function writeMha(file: string, v: Pick<Volume<VoxelArray>, 'data' | 'size' | 'affine'>): Promise<void> {
  const s = spacingOf(v.affine);
  // MetaIO's TransformMatrix lists the direction of axis i, then j, then k.
  const dir: number[] = [];
  for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) dir.push(v.affine[r * 4 + c] / s[c]);
  const type = v.data instanceof Uint8Array ? 'MET_UCHAR' : v.data instanceof Int16Array ? 'MET_SHORT' : v.data instanceof Uint16Array ? 'MET_USHORT' : 'MET_FLOAT';
  const header = [
    'ObjectType = Image', 'NDims = 3', 'BinaryData = True', 'BinaryDataByteOrderMSB = False', 'CompressedData = False',
    `TransformMatrix = ${dir.join(' ')}`, `Offset = ${v.affine[3]} ${v.affine[7]} ${v.affine[11]}`, 'CenterOfRotation = 0 0 0',
    `ElementSpacing = ${s.join(' ')}`, `DimSize = ${v.size.join(' ')}`, `ElementType = ${type}`, 'ElementDataFile = LOCAL', '',
  ].join('\n');
  const d = v.data;
  await writeFile(file, Buffer.concat([Buffer.from(header), Buffer.from(d.buffer, d.byteOffset, d.byteLength)]));
}

/**
 * elastix's EulerTransform as a fixed → moving 4×4: x ↦ R (x − c) + c + t, with
 * R = Rz·Rx·Ry (ITK's Euler3DTransform when ComputeZYX is false, elastix's default).
 */
export function readEulerTransform(text: string): Mat4 {
  const values = (key: string) => {
    const m = new RegExp(`\\(${key} ([^)]*)\\)`).exec(text);
    if (!m) throw new Error(`elastix transform lacks ${key}`);
    return m[1].trim().split(/\s+/).map((x) => x.replace(/"/g, ''));
  };
  if (values('Transform')[0] !== 'EulerTransform') throw new Error(`elastix transform is ${values('Transform')[0]}, not EulerTransform`);
  const [ax, ay, az, tx, ty, tz] = values('TransformParameters').map(Number);
  const c = values('CenterOfRotationPoint').map(Number);
  const zyx = (/\(ComputeZYX "?(\w+)"?\)/.exec(text)?.[1] ?? 'false') === 'true';
  const rot = (a: number, axis: 0 | 1 | 2): Mat4 => {
    const m = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const [p, q] = axis === 0 ? [1, 2] : axis === 1 ? [2, 0] : [0, 1];
    m[p * 4 + p] = Math.cos(a); m[p * 4 + q] = -Math.sin(a); m[q * 4 + p] = Math.sin(a); m[q * 4 + q] = Math.cos(a);
    return m;
  };
  const R = zyx ? multiply4(rot(az, 2), multiply4(rot(ay, 1), rot(ax, 0))) : multiply4(rot(az, 2), multiply4(rot(ax, 0), rot(ay, 1)));
  const out = Float64Array.from(R);
  for (let r = 0; r < 3; r++) out[r * 4 + 3] = c[r] + [tx, ty, tz][r] - (R[r * 4] * c[0] + R[r * 4 + 1] * c[1] + R[r * 4 + 2] * c[2]);
  return out;
}

function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}: ${err.split('\n').filter(Boolean).slice(-1)[0] ?? ''}`))));
  });
}
