import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The host entry: onnx-host.js beside this module in the compiled tree; in the esbuild bundle
 * (scripts/bundle.ts emits it as an entry of its own) onnx-host.mjs beside the entry or, when this
 * code sits in a chunk, one folder up.
 */
function hostEntry(): string {
  for (const name of ['./onnx-host.js', './onnx-host.mjs', '../onnx-host.mjs']) {
    const path = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('the ONNX host entry (onnx-host.js) is missing beside host-channel.js');
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  message?: string;
}

/** Thrown for every call pending on, or made after, a host that exited (a crash, or terminate()). */
export class HostGoneError extends Error {
  override readonly name = 'HostGoneError';
}

/**
 * Request/response calls to one onnx-host: a worker thread (serving), or a child process
 * (inspection of an untrusted upload: a native crash while loading kills only the child). A host
 * that exits fails its pending calls with HostGoneError instead of leaving them waiting.
 */
export class HostChannel {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private gone: string | undefined;
  private closed = false;
  /** Calls sent and not yet answered (the pool picks the least busy host). */
  inFlight = 0;

  private constructor(
    private readonly post: (message: unknown) => void,
    private readonly stop: () => void,
    /** Told once when the host ends without close(): a crash, an exit, a thread terminated from elsewhere. */
    private readonly onLost?: (reason: string) => void,
  ) {}

  /** A serving worker thread; `onLost` hears of its end unless close() ended it. */
  static worker(onLost?: (reason: string) => void): HostChannel {
    const worker = new Worker(hostEntry(), { stdout: false, stderr: false });
    const channel = new HostChannel(
      (message) => worker.postMessage(message),
      // Not worker.terminate(): terminating a thread inside session.run aborts the whole process (the
      // binding's C++ exception is uncaught). The host exits itself once its running call returns.
      () => worker.postMessage({ op: 'exit', id: 0 }),
      onLost,
    );
    worker.on('message', (reply: Reply) => channel.settle(reply));
    worker.on('error', (error) => channel.fail(`the ONNX worker failed: ${error.message.split('\n')[0]}`));
    worker.on('exit', (code) => channel.fail(`the ONNX worker exited (code ${code})`));
    return channel;
  }

  static child(): HostChannel {
    const child: ChildProcess = fork(hostEntry(), [], {
      serialization: 'advanced',
      execArgv: [],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const channel = new HostChannel(
      (message) => child.send(message as never),
      () => child.kill('SIGKILL'),
    );
    child.on('message', (reply: Reply) => channel.settle(reply));
    child.on('error', (error) => channel.fail(`the ONNX inspection process failed: ${error.message}`));
    child.on('exit', (code, signal) =>
      channel.fail(`the ONNX runtime crashed while loading the model (${signal ?? `exit code ${code}`})`),
    );
    return channel;
  }

  call<T>(op: string, payload: Record<string, unknown>): Promise<T> {
    if (this.gone) return Promise.reject(new HostGoneError(this.gone));
    const id = this.nextId++;
    this.inFlight += 1;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ ...payload, op, id });
    });
  }

  /** False once the host has exited or been closed: every call on it fails with HostGoneError. */
  get alive(): boolean {
    return this.gone === undefined;
  }

  /**
   * Ends the host (its native memory goes with it: microsoft/onnxruntime#25325): a child at once, a
   * worker thread once the call it is running returns.
   */
  close(): void {
    this.closed = true;
    this.fail('the ONNX host was closed');
    this.stop();
  }

  private settle(reply: Reply): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    this.inFlight -= 1;
    if (reply.ok) entry.resolve(reply.value);
    else entry.reject(new Error(reply.message ?? 'the ONNX runtime failed'));
  }

  private fail(reason: string): void {
    if (this.gone === undefined && !this.closed) this.onLost?.(reason);
    this.gone ??= reason;
    for (const entry of this.pending.values()) entry.reject(new HostGoneError(reason));
    this.pending.clear();
    this.inFlight = 0;
  }
}
