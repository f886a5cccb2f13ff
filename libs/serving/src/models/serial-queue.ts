/**
 * Runs async tasks one at a time, in order. Deploys, undeploys and the registry sync change the
 * same runtime state, so they take turns instead of interleaving.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
