/**
 * What one process tells the others after a registry change (deploy, rollback, undeploy, archive,
 * upload, alias move, policy change): which model changed, so they re-read the registry now rather
 * than at their next periodic sync. The notice carries no state: the database stays the truth, so
 * a lost, late or repeated notice can only cost a sync, never serve a wrong version.
 */
export interface RegistryNotice {
  model: string;
  version: string;
  action: string;
  /** The announcing process, which has applied the change already and skips its own notice. */
  origin: string;
}

/** One channel per deployment, under its Redis key prefix (pub/sub channels ignore the db number). */
export const registryNoticeChannel = (prefix: string): string => `${prefix}:model-registry`;

export function parseRegistryNotice(message: string): RegistryNotice | undefined {
  try {
    const notice = JSON.parse(message) as Partial<RegistryNotice>;
    if (typeof notice.model !== 'string' || typeof notice.origin !== 'string') return undefined;
    return {
      model: notice.model,
      version: String(notice.version ?? ''),
      action: String(notice.action ?? ''),
      origin: notice.origin,
    };
  } catch {
    return undefined;
  }
}
