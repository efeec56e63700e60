/**
 * `npm run bench -- registration`: the real CT (ct-lung-philips, 512² × 64) against an MR-like
 * copy of itself moved by a known rigid motion (4°, −6°, 10°; 20, −12, 8 mm), registered by
 * Delineo's rigid Mattes MI (worker thread, as the app runs it) and by Debian's elastix CLI with
 * a standard rigid Mattes-MI parameter file and the same body mask, alternately, three times
 * each. Prints best and all wall times, CPU seconds, target registration errors over the body,
 * and the ratio of best wall times (goal: ours ≤ 0.5 × elastix, error no worse).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  const dir = await mkdtemp(path.join(tmpdir(), 'delineo-bench-reg-'));
  try {
    const mask = bodyMask({ data: Float32Array.from(ct.data), size: ct.size, affine: ct.affine }, true);
    await writeMha(path.join(dir, 'fixed.mha'), ct);
    await writeMha(path.join(dir, 'moving.mha'), mr);
    await writeMha(path.join(dir, 'mask.mha'), { data: mask, size: ct.size, affine: ct.affine });
    await writeFile(path.join(dir, 'rigid.txt'), ELASTIX_RIGID);

    // Alternate the two, best of three: the machine may be shared, and both suffer alike.
    const ours: Trial[] = [], elastix: Trial[] = [];
    for (let n = 0; n < REPEATS; n++) {
      const cpu0 = process.cpuUsage(), t0 = performance.now();
      const r = await runRegistration({ fixed: ct, moving: mr, method: 'rigid-mi' });
      const cpu = process.cpuUsage(cpu0);
      ours.push({ seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, tre: targetRegistrationError(ct, matrixFromRows(r.matrix), truth, 3) });

      const out = path.join(dir, `run${n}`);
      await mkdir(out);
      const t1 = performance.now();
      await run('/usr/bin/time', ['-f', '%U %S', '-o', path.join(out, 'time.txt'), 'elastix', '-f', 'fixed.mha', '-m', 'moving.mha', '-fMask', 'mask.mha', '-p', 'rigid.txt', '-out', out], dir);
      const seconds = (performance.now() - t1) / 1000;
      const [user, sys] = (await readFile(path.join(out, 'time.txt'), 'utf8')).trim().split(/\s+/).map(Number);
      const fixedToMoving = readEulerTransform(await readFile(path.join(out, 'TransformParameters.0.txt'), 'utf8'));
      elastix.push({ seconds, cpuSeconds: user + sys, tre: targetRegistrationError(ct, invert4(fixedToMoving), truth, 3) });
    }
    const best = (t: Trial[]) => t.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const meanOf = (t: Trial[]) => t.reduce((a, x) => a + x.tre.mean, 0) / t.length;
    const line = (name: string, t: Trial[]) => {
      const b = best(t), worstMax = Math.max(...t.map((x) => x.tre.max)), meanTre = meanOf(t);
      return `${name.padEnd(26)} best ${b.seconds.toFixed(2).padStart(6)} s (runs ${t.map((x) => x.seconds.toFixed(1)).join(', ')}; CPU ${b.cpuSeconds.toFixed(1)} s)   TRE mean ${meanTre.toFixed(3)} mm, max ${worstMax.toFixed(3)} mm\n`;
    };
    process.stdout.write(line('delineo rigid-mi (worker)', ours));
    process.stdout.write(line('elastix 5 CLI (Debian)', elastix));
    const ratio = best(ours).seconds / best(elastix).seconds;
    const noWorse = meanOf(ours) <= meanOf(elastix);
    process.stdout.write(`ratio delineo/elastix best time: ${ratio.toFixed(2)} (goal ≤ 0.50, ${ratio <= 0.5 ? 'met' : 'NOT met'}); TRE ${noWorse ? 'no worse than' : 'WORSE than'} elastix\n`);
  } finally {
    // DELINEO_BENCH_KEEP=1 keeps the images, parameter file and elastix logs for a look.
    if (process.env.DELINEO_BENCH_KEEP) process.stdout.write(`kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/** One timed run: wall and CPU seconds, and the error against the known motion. */
interface Trial { seconds: number; cpuSeconds: number; tre: { mean: number; max: number } }

const REPEATS = 3;

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
