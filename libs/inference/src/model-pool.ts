import { LoadedModel, type ModelInfo } from './loaded-model.js';

interface Entry {
  model: LoadedModel;
  holders: number;
  retired: boolean;
}

/** A model held for one call; release it exactly once when the call is done. */
export interface ModelLease {
  readonly model: LoadedModel;
  release(): void;
}

/**
 * Loaded model versions by key, reference-counted. A new load is complete and warmed up before it
 * replaces the old one; a replaced or unloaded model is disposed only when its last holder
 * releases it; a failed load leaves the serving model untouched.
 */
export class ModelPool {
  private readonly entries = new Map<string, Entry>();

  /** Loads and checks an artifact, then frees it (upload validation). */
  async inspect(dir: string): Promise<ModelInfo> {
    const model = await LoadedModel.fromDirectory(dir);
    const { info } = model;
    model.dispose();
    return info;
  }

  async load(key: string, dir: string): Promise<ModelInfo> {
    const model = await LoadedModel.fromDirectory(dir);
    const previous = this.entries.get(key);
    this.entries.set(key, { model, holders: 0, retired: false });
    if (previous) this.retire(previous);
    return model.info;
  }

  unload(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.retire(entry);
    return true;
  }

  acquire(key: string): ModelLease | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    entry.holders += 1;
    let released = false;
    return {
      model: entry.model,
      release: () => {
        if (released) return;
        released = true;
        entry.holders -= 1;
        if (entry.retired && entry.holders === 0) entry.model.dispose();
      },
    };
  }

  info(key: string): ModelInfo | undefined {
    return this.entries.get(key)?.model.info;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Unloads everything (shutdown). Models still held are freed by their last release. */
  clear(): void {
    for (const key of this.keys()) this.unload(key);
  }

  private retire(entry: Entry): void {
    entry.retired = true;
    if (entry.holders === 0) entry.model.dispose();
  }
}
