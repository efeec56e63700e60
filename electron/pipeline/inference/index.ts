/**
 * Public API of inference: model cards, the ONNX Runtime worker process, device choice and
 * sliding-window prediction. Other stages import from here only.
 */
export * from './model-card.ts';
export { parseModelCard, readModelCard, type LoadedModelCard } from './read-model-card.ts';
export { DEVICE_CHOICES, physicalCoreCount, providerCandidates, type DeviceChoice } from './providers.ts';
export { InferenceHost, forkNodeWorker, SESSION_WORKER_SCRIPT, type InferenceHostOptions, type WorkerLauncher, type WorkerPort } from './inference-host.ts';
export { openModel, sha256File, type ModelSession, type OpenModelOptions } from './model-session.ts';
export { gaussianImportance, slidingWindowPredict, windowStarts, type ChannelStack, type WindowPredictor } from './sliding-window.ts';
export { BONE_HU, combineOutputs, holesHoldingBone, removeSmallComponents, thresholdMask, type CombinedOutputs, type ComponentReport } from './postprocess.ts';
