/**
 * Ingest benchmark: scan + load the 64-slice ct-lung-philips CT and compare with `dcm2niix -z n`
 * on the same files, run side by side (alternating, best of N each). Goals (issue 2): ratio
 * ours/dcm2niix ≤ 1.0 and peak memory ≤ 2.5× the volume's float32 size.
 *
 * Each of our runs is a fresh Node process, as a user would see the first study minus Node's own
 * start-up and the import of the ingest modules (both measured and printed separately); any
 * worker start-up and lazy module loading (dcmjs, codecs) are inside the timing. The ingest
 * runs in the two forms Delineo ships it in: bundled JavaScript, as in the app (built here with
 * Vite, the app's bundler) — the goal's figure — and TypeScript source stripped by Node, as the
 * CLI runs it, whose type stripping leaves 20–80 ms of V8 background work (on the 2-CPU machine)
 * running into the timed scan. The memory figure is that process's peak RSS above its RSS just
 * before scanning.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '..');
const CT = path.resolve(root, '..', 'shared', 'data', 'ct-lung-philips');
/** A real PET series of small slices (STS_002: GE, Implicit VR, 48 × 30×27), where fixed costs rule. */
const PET = path.resolve(root, '..', 'shared', 'data', 'real-sts-002', 'PET', 'dicom', 'image');
/** The modules a child imports, by entry name (bundled, each becomes `<name>.js`). */
const ENTRIES = {
  ingest: 'electron/pipeline/dicom/index.ts',
  nifti: 'electron/pipeline/volume/nifti.ts',
  simd: 'electron/pipeline/dicom/int16-rescale.ts',
  worker: 'electron/pipeline/dicom/worker.ts', // found beside the bundle, as in the app
};
/** Inside the repository so that the bundle's bare imports resolve to node_modules. */
const BUNDLE_DIR = path.join(root, 'node_modules', '.cache', 'delineo-bench-ingest');
const RUNS = 5;

interface ChildResult {
  slices: number;
  /** Importing the ingest modules (Node strips their TypeScript types), before the timed scan. */
  importMs: number;
  /** Second scan and load in the same process (workers warm). */
  warmScanMs: number;
  warmLoadMs: number;
  /** CPU time of the whole child (both rounds, all threads). */
  cpuMs: number;
  scanMs: number;
  loadMs: number;
  writeMs: number;
  /** Size of the volume as float32 (the goal's unit; a CT in whole HU is held as int16, half this). */
  volumeBytes: number;
  dataType: string;
  /** Whether the int16 rescale ran as WebAssembly SIMD (else the plain loop). */
  simd: boolean;
  baseRss: number;
  /** Peak RSS after scan + load. */
  peakRss: number;
  /** Peak RSS after the NIfTI write too. */
  peakRssWithWrite: number;
}

/**
 * In the child process: one timed scan + load (+ NIfTI write), reported as JSON on stdout.
 *
 * @param bundleDir where the bundled modules are; the TypeScript sources when empty.
 * @param folder the series to scan and load.
 */
async function child(outDir: string, bundleDir: string, folder: string): Promise<void> {
  const from = (name: keyof typeof ENTRIES) => (bundleDir ? pathToFileURL(path.join(bundleDir, `${name}.js`)).href : pathToFileURL(path.join(root, ENTRIES[name])).href);
  const i0 = performance.now();
  const { scanPaths, loadSeries, allSeries } = (await import(from('ingest'))) as typeof import('../electron/pipeline/dicom/index.ts');
  const importMs = performance.now() - i0;
  const { writeNifti } = (await import(from('nifti'))) as typeof import('../electron/pipeline/volume/nifti.ts');
  const { isSimdVolume } = (await import(from('simd'))) as typeof import('../electron/pipeline/dicom/int16-rescale.ts');
  const baseRss = process.memoryUsage().rss;
  const t0 = performance.now();
  const scan = await scanPaths([folder]);
  const t1 = performance.now();
  const { volume } = await loadSeries(allSeries(scan)[0]);
  const t2 = performance.now();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  await writeNifti(volume, path.join(outDir, `ours-${process.pid}.nii`));
  const t3 = performance.now();
  // Again in the same process (code warm, workers running if any were needed), as in the app
  // after its first study.
  const w0 = performance.now();
  const again = await scanPaths([folder]);
  const w1 = performance.now();
  await loadSeries(allSeries(again)[0]);
  const w2 = performance.now();
  const usage = process.resourceUsage();
  const result: ChildResult = {
    importMs,
    warmScanMs: w1 - w0,
    warmLoadMs: w2 - w1,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    slices: volume.size[2],
    scanMs: t1 - t0,
    loadMs: t2 - t1,
    writeMs: t3 - t2,
    volumeBytes: volume.data.length * 4,
    dataType: volume.data.constructor.name,
    simd: volume.data instanceof Int16Array && isSimdVolume(volume.data),
    baseRss,
    peakRss,
    peakRssWithWrite: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function timeDcm2niix(outDir: string, folder = CT): number {
  const t0 = performance.now();
  execFileSync('dcm2niix', ['-z', 'n', '-b', 'n', '-o', outDir, '-f', `d2n-${Date.now()}`, folder], { stdio: 'ignore' });
  const ms = performance.now() - t0;
  emptyFolder(outDir);
  return ms;
}

/**
 * Every run starts from the same state: written volumes deleted at once. Left behind, their
 * dirty pages are still being written back during the next run, which doubled dcm2niix's time
 * here (52 → 117–120 ms for the same files).
 */
function emptyFolder(dir: string): void {
  for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { force: true });
}

function runChild(outDir: string, bundleDir: string, folder = CT): ChildResult {
  const r = spawnSync(process.execPath, [here, '--child', outDir, bundleDir, folder], { encoding: 'utf8' });
  emptyFolder(outDir);
  if (r.status !== 0) throw new Error(`ingest child failed: ${r.stderr.split('\n')[0]}`);
  return JSON.parse(r.stdout) as ChildResult;
}

/** Bundle the children's modules as the app's build does (Vite; Node built-ins and packages external). */
async function bundleIngest(): Promise<void> {
  const { build } = await import('vite');
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: { ssr: true, outDir: BUNDLE_DIR, minify: false, rollupOptions: { input: ENTRIES, output: { format: 'es', entryFileNames: '[name].js' } } },
  });
  writeFileSync(path.join(BUNDLE_DIR, 'package.json'), '{"type":"module"}\n');
}

/** `npm run bench` entry: prints slices/s, the ratio to dcm2niix and peak memory. */
export default async function bench(): Promise<void> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'delineo-bench-'));
  try {
    await bundleIngest();
    timeDcm2niix(out); // warm the page cache for both
    const ours: ChildResult[] = [];
    const fromSource: ChildResult[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(runChild(out, BUNDLE_DIR));
      theirs.push(timeDcm2niix(out));
      fromSource.push(runChild(out, ''));
    }
    const pet: ChildResult[] = [];
    const petTheirs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      pet.push(runChild(out, BUNDLE_DIR, PET));
      petTheirs.push(timeDcm2niix(out, PET));
    }
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    const nodeStart = performance.now() - t0;
    const best = (xs: number[]) => Math.min(...xs);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const scanLoad = best(ours.map((r) => r.scanMs + r.loadMs));
    const all = best(ours.map((r) => r.scanMs + r.loadMs + r.writeMs));
    const d2n = best(theirs);
    const r = ours[0];
    const peak = Math.max(...ours.map((o) => o.peakRss - o.baseRss));
    const peakWrite = Math.max(...ours.map((o) => o.peakRssWithWrite - o.baseRss));
    const lines = [
      `ct-lung-philips: ${r.slices} slices, 512×512, loaded as ${r.dataType}${r.simd ? ', rescaled by WebAssembly SIMD' : ''} (float32 size ${(r.volumeBytes / 2 ** 20).toFixed(1)} MiB; best of ${RUNS}, ${os.availableParallelism()} CPUs)`,
      'bundled as in the app:',
      `scan ${best(ours.map((o) => o.scanMs)).toFixed(0)} ms + load ${best(ours.map((o) => o.loadMs)).toFixed(0)} ms = ${scanLoad.toFixed(0)} ms → ${((r.slices / scanLoad) * 1000).toFixed(0)} slices/s`,
      `with NIfTI write (.nii): ${all.toFixed(0)} ms; dcm2niix -z n (whole process): ${d2n.toFixed(0)} ms; Node start-up alone: ${nodeStart.toFixed(0)} ms`,
      `ratio ours/dcm2niix: ${(scanLoad / d2n).toFixed(2)} (scan+load), ${(all / d2n).toFixed(2)} (scan+load+write)  [goal ≤ 1.0]`,
      // Its write of the .nii is mostly kernel time and can swing, so show the spread too.
      `medians: ours scan+load ${median(ours.map((o) => o.scanMs + o.loadMs)).toFixed(0)} ms, dcm2niix ${median(theirs).toFixed(0)} ms (range ${d2n.toFixed(0)}–${Math.max(...theirs).toFixed(0)}) → ratio ${(median(ours.map((o) => o.scanMs + o.loadMs)) / median(theirs)).toFixed(2)}`,
      `ingest module import before the scan (not in the ratio): ${best(ours.map((o) => o.importMs)).toFixed(0)} ms bundled, ${best(fromSource.map((o) => o.importMs)).toFixed(0)} ms from TypeScript source`,
      `TypeScript source as the CLI runs it: scan+load best ${best(fromSource.map((o) => o.scanMs + o.loadMs)).toFixed(0)} ms, median ${median(fromSource.map((o) => o.scanMs + o.loadMs)).toFixed(0)} ms → ratio ${(best(fromSource.map((o) => o.scanMs + o.loadMs)) / d2n).toFixed(2)} (best), ${(median(fromSource.map((o) => o.scanMs + o.loadMs)) / median(theirs)).toFixed(2)} (medians)`,
      `warm (second study in the same process, as in the app): scan ${best(ours.map((o) => o.warmScanMs)).toFixed(0)} ms + load ${best(ours.map((o) => o.warmLoadMs)).toFixed(0)} ms → ${((r.slices / best(ours.map((o) => o.warmScanMs + o.warmLoadMs))) * 1000).toFixed(0)} slices/s, ratio ${(best(ours.map((o) => o.warmScanMs + o.warmLoadMs)) / d2n).toFixed(2)}`,
      `CPU time of one child (cold + warm round, all threads): ${best(ours.map((o) => o.cpuMs)).toFixed(0)} ms; machine load average ${os.loadavg()[0].toFixed(1)} (wall times above include waiting for a CPU)`,
      `real PET, STS_002 (48 slices of 30×27, GE, Implicit VR; bundled): scan+load best ${best(pet.map((o) => o.scanMs + o.loadMs)).toFixed(0)} ms (warm ${best(pet.map((o) => o.warmScanMs + o.warmLoadMs)).toFixed(0)} ms), dcm2niix ${best(petTheirs).toFixed(0)} ms → ratio ${(best(pet.map((o) => o.scanMs + o.loadMs)) / best(petTheirs)).toFixed(2)}, warm ${(best(pet.map((o) => o.warmScanMs + o.warmLoadMs)) / best(petTheirs)).toFixed(2)} (fixed costs: a first run compiles the code it runs)`,
      `peak memory above baseline (scan+load): ${(peak / 2 ** 20).toFixed(0)} MiB = ${(peak / r.volumeBytes).toFixed(2)}× the float32 volume  [goal ≤ 2.5×]; with the write: ${(peakWrite / r.volumeBytes).toFixed(2)}×`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === here && process.argv[2] === '--child') await child(process.argv[3], process.argv[4] ?? '', process.argv[5] ?? CT);
