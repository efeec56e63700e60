/**
 * Entry of the ONNX Runtime worker when it runs as an Electron utilityProcess. The pipeline's
 * session worker speaks Node's child-process IPC (`process.on('message')`, `process.send`);
 * a utility process talks through `process.parentPort` instead. This shim maps one onto the
 * other, so the same worker code runs under the CLI's fork and the app's utilityProcess.
 */
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (parentPort) {
  process.send = ((message: unknown) => {
    parentPort.postMessage(message);
    return true;
  }) as typeof process.send;
  parentPort.on('message', (e) => process.emit('message', e.data as never, undefined as never));
}
await import('../pipeline/inference/session-worker.ts');
