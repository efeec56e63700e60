/**
 * `npm run bench -- models`: PyTorch-CPU vs ONNX-Runtime-CPU time for one full sliding-window
 * volume per shipped architecture. The measuring lives in Python beside the networks
 * (native-models/scripts/bench_onnx.py); this runs it in the native-models venv and relays its lines.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeModels = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'native-models');

/** Runs the Python benchmark; rejects with one line when the venv is missing or the script fails. */
export default async function bench(): Promise<void> {
  const python = path.join(nativeModels, '.venv', 'bin', 'python');
  if (!existsSync(python)) throw new Error(`${python}: missing — run native-models/scripts/setup.sh first`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(python, ['scripts/bench_onnx.py', '--threads', '2', '--repeat', '2'], {
      cwd: nativeModels,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`bench_onnx.py exited ${code}: ${stderr.trim().split('\n').pop() ?? ''}`));
    });
  });
}
