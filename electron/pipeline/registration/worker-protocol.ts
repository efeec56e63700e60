/** Messages between {@link runInWorker} and the registration worker thread. */
import type { RigidImage, RigidMiOptions, RigidMiOutput } from './rigid-mi.ts';

/** What the worker is asked to do (sent once, as workerData). */
export type WorkerRequest =
  | { readonly kind: 'register'; readonly fixed: RigidImage; readonly moving: RigidImage; readonly options: Partial<RigidMiOptions> }
  | { readonly kind: 'evaluate'; readonly fixed: RigidImage; readonly moving: RigidImage; readonly fixedToMoving: number[]; readonly options: Partial<RigidMiOptions> };

/** What the worker sends back: progress, then exactly one result or error. */
export type WorkerReply =
  | { readonly type: 'progress'; readonly done: number; readonly total: number; readonly message: string }
  | { readonly type: 'registered'; readonly result: RigidMiOutput }
  | { readonly type: 'evaluated'; readonly result: { mi: number; nmi: number; overlap: number; residualMm: number } }
  | { readonly type: 'error'; readonly message: string };
