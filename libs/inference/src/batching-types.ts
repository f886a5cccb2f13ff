import type { AdmissionError } from './errors.js';

/* What a PredictBatcher (batcher.ts) is given and takes: its options, a call's admission, its executors. */

/** Options of one model version's batcher (ModelServer makes one per loaded version). */
export interface BatchingOptions {
  /** Most rows one coalesced batch may hold (a single larger request runs alone). */
  maxBatch: number;
  /** The longest the batcher may hold a request for others to join it, in microseconds (0: never). */
  maxDelayUs: number;
  /** Requests that may wait for an executor; a sheddable request beyond it is refused (OVERLOADED). */
  queueDepth: number;
  /** Executions that may run at once (an ONNX version's workers; 1 for TF.js, which runs on this thread). */
  concurrency: number;
  /** Called after every executed batch, e.g. to feed a batch-size histogram. */
  onBatch?: (rows: number, requests: number, computeMs: number) => void;
  /** Called once per request as its batch starts, with the time it waited. */
  onQueued?: (waitMs: number) => void;
  /** Called for every request refused or dropped before compute. */
  onShed?: (code: AdmissionError['code']) => void;
  /** Called whenever the number of waiting requests or running executions changes. */
  onDepth?: (queued: number, running: number) => void;
}

/** When a request must start by, and whether a full queue may refuse it (jobs wait instead). */
export interface Admission {
  /** performance.now() by which it must start; no deadline when unset. */
  deadline?: number;
  sheddable?: boolean;
  /** performance.now() when the request reached the server (a default deadline counts from it). */
  receivedAt?: number;
}

/** Runs several calls as one execution and answers each with its own part, in the order given. */
export type BatchExecutor<T, R> = (items: T[], rows: number) => Promise<R[]>;

/** A call that coalesces only with calls of its own group (V2 named tensors of one trailing shape). */
export interface GroupedCall<T, R> {
  item: T;
  rows: number;
  /** Calls share an execution only when their groups are equal (e.g. every input's trailing dimensions). */
  group: string;
  /** Runs the batch; the first call's executor runs it, so every call of one group must pass the same one. */
  execute: BatchExecutor<T, R>;
}

/** Runs `rows` packed rows as one tensor batch and returns rows × outputSize values. */
export type BatchRunner = (input: Float32Array, rows: number) => Promise<Float32Array>;
