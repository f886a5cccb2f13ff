import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FileFieldsInterceptor } from '@nestjs/platform-fastify/multipart';
import type { Observable } from 'rxjs';
import { AppConfig } from '@app/config';

/** The parts of an uploaded file (multer's shape) the registry uses. */
interface MemoryFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

export interface UploadedModelFiles {
  model?: MemoryFile[];
  weights?: MemoryFile[];
  /** Drift baseline: reference statistics, or a sample of inputs to compute them from. */
  reference?: MemoryFile[];
  referenceSample?: MemoryFile[];
}

const MAX_WEIGHT_FILES = 200;

/** Multipart parsing for model uploads, in memory, with the size limit from MODEL_UPLOAD_MAX_BYTES. */
@Injectable()
export class ModelUploadInterceptor implements NestInterceptor, OnModuleInit {
  private readonly delegate: NestInterceptor & OnModuleInit;

  constructor(config: AppConfig, adapterHost: HttpAdapterHost) {
    const Interceptor = FileFieldsInterceptor(
      [
        { name: 'model', maxCount: 1 },
        { name: 'weights', maxCount: MAX_WEIGHT_FILES },
        { name: 'reference', maxCount: 1 },
        { name: 'referenceSample', maxCount: 1 },
      ],
      { limits: { fileSize: config.models.uploadMaxBytes, files: MAX_WEIGHT_FILES + 3, fields: 50 } },
    );
    // Built by hand (the limits come from config), so it gets what Nest would inject: no module
    // options, the adapter host (to register @fastify/multipart), and its init hook below.
    this.delegate = new Interceptor({}, adapterHost) as NestInterceptor & OnModuleInit;
  }

  onModuleInit(): void {
    this.delegate.onModuleInit();
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> | Promise<Observable<unknown>> {
    return this.delegate.intercept(context, next);
  }
}
