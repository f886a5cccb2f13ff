import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { AppConfig } from '../config/app-config.js';

/** The parts of a multer file the registry uses. */
interface MemoryFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

export interface UploadedModelFiles {
  model?: MemoryFile[];
  weights?: MemoryFile[];
}

const MAX_WEIGHT_FILES = 200;

/** Multipart parsing for model uploads, in memory, with the size limit from MODEL_UPLOAD_MAX_BYTES. */
@Injectable()
export class ModelUploadInterceptor implements NestInterceptor {
  private readonly delegate: NestInterceptor;

  constructor(config: AppConfig) {
    const Interceptor = FileFieldsInterceptor(
      [
        { name: 'model', maxCount: 1 },
        { name: 'weights', maxCount: MAX_WEIGHT_FILES },
      ],
      { limits: { fileSize: config.models.uploadMaxBytes, files: MAX_WEIGHT_FILES + 1, fields: 50 } },
    );
    this.delegate = new Interceptor();
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> | Promise<Observable<unknown>> {
    return this.delegate.intercept(context, next);
  }
}
