import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { HealthService, MetricsService } from '@app/serving';

/**
 * The worker has no API, but operators still need to scrape it and the image's HEALTHCHECK needs
 * its readiness: a bare node:http server on PORT/HOST answering GET /metrics, /health and
 * /health/ready exactly as the API does (same services), and 404 to anything else.
 */
@Injectable()
export class WorkerHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHttpServer.name);
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => {
      this.answer(request, response).catch((error: unknown) => {
        this.logger.error(`worker HTTP: ${(error as Error).message}`);
        if (!response.headersSent)
          send(
            response,
            500,
            'application/json',
            JSON.stringify({ statusCode: 500, message: 'Internal server error' }),
          );
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port, this.config.host, () => {
        server.off('error', reject);
        const address = server.address();
        this.logger.log(
          `Worker metrics and health on port ` +
            `${typeof address === 'object' && address ? address.port : this.config.port}`,
        );
        resolve();
      });
    });
  }

  onApplicationShutdown(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET')
      return send(
        response,
        405,
        'application/json',
        JSON.stringify({ statusCode: 405, message: 'Method not allowed' }),
      );
    if (path === '/metrics')
      return send(response, 200, 'text/plain; version=0.0.4; charset=utf-8', await this.metrics.scrape());
    if (path === '/health') return send(response, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    if (path === '/health/ready') {
      const ready = await this.health.readiness().then(
        (body) => ({ status: 200, body }),
        // The API's error body minus request id and path: `{ status: 'error', checks }` plus the message.
        (error: { extra?: Record<string, unknown>; message?: string }) => ({
          status: 503,
          body: { ...error.extra, statusCode: 503, error: 'Service Unavailable', message: error.message },
        }),
      );
      return send(response, ready.status, 'application/json', JSON.stringify(ready.body));
    }
    send(response, 404, 'application/json', JSON.stringify({ statusCode: 404, message: 'Not found' }));
  }
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) }).end(body);
}
