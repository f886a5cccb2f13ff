import { Injectable } from '@nestjs/common';
import type { RawData } from 'ws';
import { jsonDepthExceeds, jsonTooDeepMessage, validateAs, type FieldError } from '@app/common';
import { AppConfig, PayloadBudget } from '@app/config';
import { StreamFrameDto } from './stream-frame.dto.js';

export type FrameId = string | number | null;
export type FrameError = { id: FrameId; error: string; details?: FieldError[] };
export type ReadFrame = { id: FrameId; frame: StreamFrameDto } | FrameError;

/**
 * Turns one WebSocket message into a validated frame or the error frame to answer, the way the
 * HTTP edge treats a body: nesting depth checked on the bytes before parsing (JSON_MAX_DEPTH),
 * then JSON, then the DTO's rules (validateAs, as every body). Never throws.
 */
@Injectable()
export class StreamFrameReader {
  private readonly maxDepth: number;

  constructor(
    config: AppConfig,
    private readonly budget: PayloadBudget,
  ) {
    this.maxDepth = config.http.jsonMaxDepth;
  }

  /**
   * Claims the frame's bytes from the process-wide payload budget (shared with large HTTP
   * bodies) for as long as it is being answered; undefined when the server is full.
   */
  claim(data: RawData): (() => void) | undefined {
    return this.budget.tryAcquire(byteLength(data));
  }

  read(data: RawData, isBinary: boolean): ReadFrame {
    if (isBinary) return { id: null, error: 'Send text frames holding JSON' };
    const bytes = toBuffer(data);
    if (jsonDepthExceeds(bytes, this.maxDepth)) return { id: null, error: jsonTooDeepMessage(this.maxDepth) };
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      return { id: null, error: 'Malformed JSON frame' };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { id: null, error: 'A frame must be a JSON object { id?, model, version?, inputs }' };
    const rawId = (parsed as { id?: unknown }).id;
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
    // The envelope only: class-transformer would deep-copy `inputs` (up to 16 MB of nested arrays,
    // doubling the heap a frame costs); the rows are checked against the model afterwards anyway.
    const { inputs, ...envelope } = parsed as { inputs?: unknown };
    const checked = validateAs(StreamFrameDto, {
      ...envelope,
      inputs: inputs === undefined || inputs === null ? inputs : true,
    });
    if (!checked.ok) return { id, error: 'Invalid frame', details: checked.details };
    checked.value.inputs = inputs;
    return { id, frame: checked.value };
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data.byteLength;
}
