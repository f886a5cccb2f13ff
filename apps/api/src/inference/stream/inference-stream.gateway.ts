import { Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { RawData, WebSocket } from 'ws';
import { DomainError, type FieldError } from '@app/common';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { callerKey } from '@app/serving/models/serving/sticky-split.js';
import { InferenceService } from '@app/serving/inference/inference.service.js';
import type { AuthenticatedRequest } from '@app/http/auth-metadata/authenticated-request.js';
import { StreamFrameReader } from './stream-frame-reader.js';

export const STREAM_PATH = '/api/v1/inference/stream';
/** Frames a client may have in flight; more get an error frame instead of queueing. */
const MAX_IN_FLIGHT = 32;
/** Bytes waiting in the socket's send buffer beyond which the client is too slow and is closed. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

type Reply =
  | { id: string | number | null; model: string; version: string; predictions: unknown[] }
  | { id: string | number | null; error: string; code?: string; details?: FieldError[] };

/**
 * Real-time inference over WebSockets. Each text frame `{ id?, model, version?, inputs }` gets
 * `{ id, model, version, predictions }` or `{ id, error }`; a bad frame never closes the socket.
 * Memory per client is bounded: in-flight frames are capped and a client that does not read its
 * replies is disconnected. Across clients, every frame claims its bytes from the process-wide
 * PayloadBudget (shared with large HTTP bodies) while it is answered.
 */
@WebSocketGateway({ path: STREAM_PATH, maxPayload: MAX_FRAME_BYTES })
export class InferenceStreamGateway implements OnGatewayConnection {
  private readonly logger = new Logger(InferenceStreamGateway.name);

  constructor(
    private readonly inference: InferenceService,
    private readonly frames: StreamFrameReader,
  ) {}

  handleConnection(client: WebSocket, request: AuthenticatedRequest): void {
    const user = request.user;
    if (!user) {
      client.close(1008, 'Unauthorized');
      return;
    }
    let inFlight = 0;
    client.on('message', (data: RawData, isBinary: boolean) => {
      if (inFlight >= MAX_IN_FLIGHT) {
        this.send(client, { id: null, error: `Too many frames in flight (max ${MAX_IN_FLIGHT}); wait for replies` });
        return;
      }
      const release = this.frames.claim(data);
      if (!release) {
        this.send(client, { id: null, error: 'Server busy: too many large payloads in flight; retry shortly' });
        return;
      }
      inFlight += 1;
      // Nothing here may reject unhandled: the wasm backend turns an unhandled rejection into a crash.
      void this.answer(data, isBinary, user)
        .catch((error: unknown): Reply => this.internalError(null, error))
        .then((reply) => this.send(client, reply))
        .catch((error: unknown) => this.logger.error(`Stream reply failed: ${(error as Error).message}`))
        .finally(() => {
          inFlight -= 1;
          release();
        });
    });
  }

  private async answer(data: RawData, isBinary: boolean, user: AuthUser): Promise<Reply> {
    const read = this.frames.read(data, isBinary);
    if ('error' in read) return read;
    const { id, frame } = read;
    try {
      const result = await this.inference.predict({
        name: frame.model,
        version: frame.version,
        inputs: frame.inputs,
        userId: user.id,
        source: 'stream',
        timeoutMs: frame.timeoutMs,
        caller: callerKey({ userId: user.id, apiKeyId: user.apiKey?.id }),
      });
      return { id, model: result.model, version: result.version, predictions: result.predictions };
    } catch (error) {
      if (error instanceof DomainError)
        return { id, error: error.message, code: error.code, ...(error.details ? { details: error.details } : {}) };
      return this.internalError(id, error);
    }
  }

  private internalError(id: string | number | null, error: unknown): Reply {
    this.logger.error(`Stream frame failed: ${(error as Error)?.message ?? String(error)}`);
    return { id, error: 'Internal error' };
  }

  private send(client: WebSocket, reply: Reply): void {
    if (client.readyState !== client.OPEN) return;
    if (client.bufferedAmount > MAX_BUFFERED_BYTES) {
      client.close(1013, 'Client too slow: replies are not being read');
      return;
    }
    client.send(JSON.stringify(reply));
  }
}
