import * as tf from '@tensorflow/tfjs';
// Registers the 'wasm' backend. Its .wasm binaries are read from the installed npm package
// (node_modules/@tensorflow/tfjs-backend-wasm/dist), never fetched: no setWasmPaths to a CDN.
import '@tensorflow/tfjs-backend-wasm';
import { BackendUnavailableError, messageOf } from './errors.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = BackendName | 'auto';

const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason?: string;
}

let nativeLoad: Promise<string | undefined> | undefined;

/**
 * Imports `@tensorflow/tfjs-node` when it is installed (an optional dependency: its install needs
 * to download libtensorflow and is dropped where that fails). Resolves to the failure reason, or
 * undefined when the native backend is registered.
 */
function loadNativeBackend(): Promise<string | undefined> {
  // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
  const specifier = '@tensorflow/tfjs-node';
  nativeLoad ??= import(specifier).then(
    () => (tf.findBackendFactory('tensorflow') ? undefined : '@tensorflow/tfjs-node did not register a backend'),
    (error: unknown) => `@tensorflow/tfjs-node cannot be loaded (${messageOf(error).split('\n')[0]})`,
  );
  return nativeLoad;
}

async function trySet(backend: BackendName): Promise<BackendAttempt> {
  if (backend === 'tensorflow') {
    const failure = await loadNativeBackend();
    if (failure) return { backend, ok: false, reason: failure };
  }
  const before = processListeners();
  try {
    // setBackend resolves false (it does not throw) when the backend fails to initialise, e.g. a
    // wasm binary that cannot be found: check the value.
    const ok = await tf.setBackend(backend).finally(() => removeListenersAddedSince(before));
    if (ok && tf.getBackend() === backend) return { backend, ok: true };
    return { backend, ok: false, reason: `tf.setBackend('${backend}') returned false` };
  } catch (error) {
    return { backend, ok: false, reason: messageOf(error) };
  }
}

const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
type ProcessListeners = Record<(typeof PROCESS_EVENTS)[number], readonly unknown[]>;

function processListeners(): ProcessListeners {
  return {
    uncaughtException: process.listeners('uncaughtException'),
    unhandledRejection: process.listeners('unhandledRejection'),
  };
}

/**
 * The wasm backend's Emscripten glue, when it initialises, adds process listeners that rethrow
 * every uncaught exception and turn every unhandled promise rejection anywhere in the process into
 * a crash. Process-wide error policy belongs to the application's entry point, not to a tensor
 * library: they are removed again.
 */
function removeListenersAddedSince(before: ProcessListeners): void {
  for (const event of PROCESS_EVENTS) {
    const emitter = process as unknown as NodeJS.EventEmitter;
    for (const listener of emitter.listeners(event)) {
      if (!before[event].includes(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
}

/**
 * Chooses the TF.js backend for the whole process and returns its name.
 *
 * - `auto` (default): `tensorflow` when `@tensorflow/tfjs-node` resolves, else `wasm`, else `cpu`.
 * - a named backend: that one, or a BackendUnavailableError (no silent fallback).
 *
 * The choice comes from the caller (the app reads INFERENCE_BACKEND); this library never reads
 * process.env. Call it once at start-up, before loading models: a model's weights live on the
 * backend that was active when it was loaded.
 */
export async function selectBackend(preferred: BackendPreference = 'auto'): Promise<BackendName> {
  if (!BACKEND_PREFERENCES.includes(preferred)) {
    throw new BackendUnavailableError(
      String(preferred),
      `unknown backend; use one of ${BACKEND_PREFERENCES.join(', ')}`,
    );
  }
  const order: BackendName[] = preferred === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [preferred];
  const attempts: BackendAttempt[] = [];
  for (const backend of order) {
    const attempt = await trySet(backend);
    attempts.push(attempt);
    if (attempt.ok) {
      await tf.ready();
      return backend;
    }
  }
  const last = attempts[attempts.length - 1];
  throw new BackendUnavailableError(last.backend, last.reason ?? 'failed to initialise');
}

/** The backend in use, or undefined when none was selected yet. */
export function currentBackend(): BackendName | undefined {
  const name = tf.engine().backendName as string | null | undefined;
  return name === 'tensorflow' || name === 'wasm' || name === 'cpu' ? name : undefined;
}

/** Selects the default (`auto`) backend unless one of ours is already active. */
export async function ensureBackend(): Promise<BackendName> {
  return currentBackend() ?? selectBackend('auto');
}
