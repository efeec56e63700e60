/**
 * Sliding-window inference over a whole volume with Gaussian importance weighting
 * (nnU-Net / MONAI style): windows of the card's patch size overlap by card.overlap, each
 * window's prediction is weighted by a Gaussian centred on the patch (σ = patch/8 per axis)
 * so that the less reliable window borders count less, and the weighted sum is divided by
 * the summed weights. Windows are extracted batch by batch and folded into accumulators as
 * they come back: memory is (outputs + 1) volumes plus one batch, whatever the volume size.
 */
import type { StageContext } from '../stage.ts';

/** What the sliding window needs from a model (a {@link ModelSession} fits). */
export interface WindowPredictor {
  /** [x, y, z] voxels. */
  readonly patchSize: readonly [number, number, number];
  readonly batchSize: number;
  /** n windows N × C × z × y × x in, one n × z × y × x array per output out. */
  predict(data: Float32Array, n: number, signal?: AbortSignal): Promise<Float32Array[]>;
}

/** A multi-channel volume on one grid, already normalised. */
export interface ChannelStack {
  /** One array per channel, each size[0]·size[1]·size[2] long, i fastest. */
  readonly channels: readonly Float32Array[];
  /** [x, y, z] voxels. */
  readonly size: readonly [number, number, number];
  /** Per channel: the normalised value of "nothing there", used where a window leaves the volume. */
  readonly padValues: readonly number[];
}

/**
 * Window start positions along one axis of length n: evenly spread from the first to the last
 * position so the windows cover [0, n) with at least the asked overlap (nnU-Net's rule: step ≤
 * patch·(1 − overlap)). When the axis is shorter than the patch, one window centred on it
 * (its start is negative; the part outside is padding).
 */
export function windowStarts(n: number, patch: number, overlap: number): number[] {
  if (n <= patch) return [n === patch ? 0 : -Math.floor((patch - n) / 2)];
  const targetStep = Math.max(1, patch * (1 - overlap));
  const steps = Math.ceil((n - patch) / targetStep) + 1;
  const actual = (n - patch) / (steps - 1);
  return Array.from({ length: steps }, (_, s) => Math.round(actual * s));
}

/**
 * Gaussian importance map of one patch, values in (0, 1], maximum 1 at the centre:
 * w(x, y, z) = g_x·g_y·g_z with g(t) = exp(−(t − (p − 1)/2)² / (2σ²)), σ = p·sigmaScale.
 * The centre is the geometric one, (p − 1)/2, so even patches stay symmetric.
 * Layout z, y, x (x fastest), like a window.
 */
export function gaussianImportance(patch: readonly [number, number, number], sigmaScale = 1 / 8): Float32Array {
  const axis = (p: number) => {
    const sigma = p * sigmaScale, c = (p - 1) / 2;
    return Float64Array.from({ length: p }, (_, t) => Math.exp(-((t - c) ** 2) / (2 * sigma * sigma)));
  };
  const [gx, gy, gz] = [axis(patch[0]), axis(patch[1]), axis(patch[2])];
  const out = new Float32Array(patch[0] * patch[1] * patch[2]);
  let o = 0;
  for (let z = 0; z < patch[2]; z++) for (let y = 0; y < patch[1]; y++) for (let x = 0; x < patch[0]; x++) out[o++] = gz[z] * gy[y] * gx[x];
  return out;
}

/**
 * Predict every voxel of `input` by sliding windows. Returns one probability volume per model
 * output (same grid as the input). Reports progress as stage 'infer' in windows, and stops
 * between batches (and mid-batch, through the predictor) when ctx.signal aborts.
 */
export async function slidingWindowPredict(input: ChannelStack, model: WindowPredictor, overlap: number, ctx: StageContext = {}): Promise<Float32Array[]> {
  const [nx, ny, nz] = input.size;
  const [px, py, pz] = model.patchSize;
  const nvox = nx * ny * nz, pvox = px * py * pz, C = input.channels.length;
  const xs = windowStarts(nx, px, overlap), ys = windowStarts(ny, py, overlap), zs = windowStarts(nz, pz, overlap);
  const windows: [number, number, number][] = [];
  for (const z of zs) for (const y of ys) for (const x of xs) windows.push([x, y, z]);
  const weight = gaussianImportance(model.patchSize);
  const weightSum = new Float32Array(nvox);
  let acc: Float32Array[] | null = null;
  const total = windows.length;
  ctx.onProgress?.({ stage: 'infer', done: 0, total, message: `${total} windows of ${px}×${py}×${pz}` });

  const extract = (batch: [number, number, number][]): Float32Array => {
    const buf = new Float32Array(batch.length * C * pvox);
    let o = 0;
    for (const [x0, y0, z0] of batch) {
      for (let c = 0; c < C; c++) {
        const src = input.channels[c], pad = input.padValues[c];
        for (let z = z0; z < z0 + pz; z++) {
          for (let y = y0; y < y0 + py; y++) {
            if (z < 0 || z >= nz || y < 0 || y >= ny) {
              buf.fill(pad, o, o + px);
              o += px;
              continue;
            }
            const row = nx * (y + ny * z);
            for (let x = x0; x < x0 + px; x++) buf[o++] = x < 0 || x >= nx ? pad : src[row + x];
          }
        }
      }
    }
    return buf;
  };

  const accumulate = (outputs: Float32Array[], batch: [number, number, number][]) => {
    acc ??= outputs.map(() => new Float32Array(nvox));
    batch.forEach(([x0, y0, z0], b) => {
      let w = 0;
      for (let z = z0; z < z0 + pz; z++) {
        for (let y = y0; y < y0 + py; y++) {
          if (z < 0 || z >= nz || y < 0 || y >= ny) {
            w += px;
            continue;
          }
          const row = nx * (y + ny * z);
          for (let x = x0; x < x0 + px; x++, w++) {
            if (x < 0 || x >= nx) continue;
            const g = weight[w];
            weightSum[row + x] += g;
            for (let k = 0; k < outputs.length; k++) acc![k][row + x] += g * outputs[k][b * pvox + w];
          }
        }
      }
    });
  };

  // One batch in flight while the next is cut out: the worker computes while this process copies.
  let inFlight: { result: Promise<Float32Array[]>; batch: [number, number, number][] } | null = null;
  let done = 0;
  const settle = async () => {
    if (!inFlight) return;
    const { result, batch } = inFlight;
    inFlight = null;
    accumulate(await result, batch);
    done += batch.length;
    ctx.onProgress?.({ stage: 'infer', done, total });
  };
  for (let start = 0; start < total; start += model.batchSize) {
    ctx.signal?.throwIfAborted();
    const batch = windows.slice(start, start + model.batchSize);
    const result = model.predict(extract(batch), batch.length, ctx.signal);
    result.catch(() => undefined); // awaited below; this only stops an early rejection counting as unhandled
    await settle();
    inFlight = { result, batch };
  }
  await settle();
  for (const a of acc!) for (let v = 0; v < nvox; v++) a[v] /= weightSum[v];
  return acc!;
}
