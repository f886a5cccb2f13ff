import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ModelVersion } from '../models/model-version.entity.js';
import { ModelReferencesRepository } from './model-references.repository.js';
import { parseReferenceFile, referenceRefusal, rowSizeOf } from './reference-file.js';
import { referenceFromSample, type PackJsonRows } from './reference-sample.js';

interface UploadedReferenceFile {
  originalname: string;
  buffer: Buffer;
}

interface DeclaredVersion {
  inputShape: number[];
  featureNames?: string[];
}

/** Stores a checked reference with the version being registered, in the upload's transaction. */
export type StoreWithVersion = (manager: EntityManager, row: ModelVersion) => Promise<void>;

/**
 * The reference statistics an upload brings: a `reference` file (statistics as `npm run train`
 * writes them) or a `referenceSample` of inputs to compute them from, never both. Checked against
 * the declared input before anything is staged, so a refused reference stores nothing.
 */
@Injectable()
export class ReferenceUploads {
  constructor(private readonly references: ModelReferencesRepository) {}

  read(
    declared: DeclaredVersion,
    files: { reference?: UploadedReferenceFile; referenceSample?: UploadedReferenceFile },
    packJsonRows: PackJsonRows,
  ): StoreWithVersion | undefined {
    const { reference, referenceSample } = files;
    if (reference && referenceSample) throw referenceRefusal('send either reference or referenceSample, not both');
    if (!reference && !referenceSample) return undefined;
    const target = {
      inputShape: declared.inputShape,
      rowSize: rowSizeOf(declared.inputShape),
      featureNames: declared.featureNames ?? null,
    };
    const statistics = reference
      ? parseReferenceFile(reference.buffer, target)
      : referenceFromSample(referenceSample!.buffer, referenceSample!.originalname, target, packJsonRows);
    return (manager, row) => this.references.insert(manager, row.id, statistics);
  }
}
