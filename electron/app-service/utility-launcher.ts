/**
 * A WorkerLauncher for the pipeline's InferenceHost that starts the ONNX Runtime worker as an
 * Electron utilityProcess (its own OS process: an onnxruntime crash never takes the window
 * down). Typed structurally so this module needs no `electron` import; main passes
 * `utilityProcess.fork`.
 */
import type { WorkerLauncher } from '../pipeline/inference/index.ts';

/** The part of an Electron UtilityProcess used here. */
export interface UtilityChild {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
  readonly pid: number | undefined;
  readonly stderr: { on(event: 'data', listener: (chunk: Buffer | string) => void): unknown } | null;
}

/** `utilityProcess.fork` as used here. */
export type UtilityFork = (modulePath: string, args: string[], options: { serviceName: string; stdio: 'pipe' }) => UtilityChild;

/** A launcher that forks `script` (the built utility-worker-entry) as a utility process. */
export function utilityLauncher(fork: UtilityFork, script: string): WorkerLauncher {
  return () => {
    const child = fork(script, [], { serviceName: 'Delineo inference', stdio: 'pipe' });
    let tail = '';
    child.stderr?.on('data', (b) => {
      tail = (tail + b.toString()).slice(-2000);
    });
    return {
      send: (m) => child.postMessage(m),
      onMessage: (l) => void child.on('message', (m) => l(m as Parameters<typeof l>[0])),
      onExit: (l) => void child.once('exit', (code) => {
        const last = tail.trim().split('\n').filter(Boolean).pop();
        l(last ? `exit code ${code}: ${last}` : `exit code ${code}`);
      }),
      kill: () => void child.kill(),
      get pid() {
        return child.pid;
      },
    };
  };
}
