import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { processEnvironment, startApi, type RunningProcess } from '../helpers/app-process.js';
import { ADMIN } from '../helpers/test-constants.js';
import { writeModuleProbe } from '../helpers/module-probe.js';
import { waitFor } from '../helpers/wait-for.js';
import { checkedFetch } from '../helpers/validated-request.js';
import { itWithRedis, redisAvailable, TEST_REDIS_URL } from '../helpers/services.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';

interface Span {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}
interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

/** A collector in the test: OTLP/HTTP JSON on /v1/traces, flattened to spans. */
function startCollector(): Promise<{ server: Server; url: string; spans: Span[] }> {
  const spans: Span[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += String(chunk)));
    request.on('end', () => {
      if (request.url === '/v1/traces' && /json/.test(request.headers['content-type'] ?? '')) {
        const payload = JSON.parse(body) as {
          resourceSpans: {
            scopeSpans: {
              spans: (Omit<Span, 'attributes'> & { attributes?: { key: string; value: OtlpValue }[] })[];
            }[];
          }[];
        };
        for (const resource of payload.resourceSpans)
          for (const scope of resource.scopeSpans)
            for (const span of scope.spans) {
              spans.push({
                ...span,
                attributes: Object.fromEntries(
                  (span.attributes ?? []).map(({ key, value }) => [
                    key,
                    value.stringValue ??
                      (value.intValue === undefined ? undefined : Number(value.intValue)) ??
                      value.doubleValue ??
                      value.boolValue,
                  ]),
                ),
              });
            }
      }
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, spans, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

/** OpenTelemetry code other than the tiny no-op API. */
const OTEL_SDK = /@opentelemetry[\\/](?!api[\\/])|import-in-the-middle|require-in-the-middle|opentelemetry-plugin/;

describe('OpenTelemetry tracing', () => {
  let database: TestDatabase;
  let work: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    work = mkdtempSync(join(tmpdir(), 'app_test_tracing_'));
  });
  afterAll(async () => {
    await database.drop();
    rmSync(work, { recursive: true, force: true });
  });

  const start = (name: string, extra: Record<string, string>) => {
    const modules = join(work, `${name}.modules`);
    const env = processEnvironment(database.url, join(work, 'models'), {
      LOG_LEVEL: 'info',
      NODE_OPTIONS: `--import ${writeModuleProbe(work, modules)}`,
      ...extra,
    });
    return { modules, api: startApi(env) };
  };
  const predict = async (api: RunningProcess) => {
    const login = await checkedFetch(`${api.baseUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const response = await checkedFetch(`${api.baseUrl}/api/v1/inference/sensor-anomaly/predict`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({
        inputs: [
          [21, 45, 1012],
          [22, 40, 1010],
          [80, 5, 900],
        ],
      }),
    });
    expect(response.status).toBe(200);
  };

  describe('with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    let collector: Awaited<ReturnType<typeof startCollector>>;
    let api: RunningProcess;
    let modules: string;
    /** The server span of one predict request; the other spans are looked up in its trace. */
    let request: Span;
    const inTrace = () => collector.spans.filter((span) => span.traceId === request.traceId);
    const system = (span: Span) => String(span.attributes['db.system.name'] ?? span.attributes['db.system'] ?? '');

    beforeAll(async () => {
      collector = await startCollector();
      // With Redis, the shared rate limit counts each request there, so the trace has Redis commands too.
      const redis: Record<string, string> = redisAvailable()
        ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `test-tracing-${randomBytes(4).toString('hex')}` }
        : {};
      const traced = start('traced', {
        ...redis,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_SERVICE_NAME: 'tracing-test',
      });
      modules = traced.modules;
      api = await traced.api;
      await predict(api);
      request = await waitFor(
        async () =>
          collector.spans.find(
            (span) =>
              span.kind === 2 &&
              String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? '').endsWith(
                '/sensor-anomaly/predict',
              ),
          ),
        20_000,
        100,
      );
    });
    afterAll(async () => {
      await api?.kill('SIGTERM');
      collector?.server.close();
    });

    it('exports spans for the HTTP request, its database query and forward pass; logs carry the trace id', async () => {
      // Within the request's trace: the caller's lookup in the database and the forward pass with its batch size.
      const execution = await waitFor(async () => inTrace().find((span) => span.name === 'model.execute'), 20_000, 100);
      expect(execution.attributes).toMatchObject({
        'inference.batch_size': 3,
        'inference.model': 'sensor-anomaly@1.0.0',
      });
      const engine = database.url.startsWith('sqlite') ? /sqlite/ : /mysql|mariadb/;
      const query = await waitFor(
        async () =>
          inTrace().find(
            (span) =>
              engine.test(system(span)) &&
              /^SELECT/.test(String(span.attributes['db.query.text'] ?? span.attributes['db.statement'])),
          ),
        20_000,
        100,
      );
      expect(query.kind).toBe(3);
      // The request's log line names its trace.
      const line = await waitFor(
        async () =>
          api
            .output()
            .split('\n')
            .find((text) => text.includes('"request completed"') && text.includes('/sensor-anomaly/predict')),
        10_000,
        100,
      );
      expect(JSON.parse(line)).toMatchObject({
        trace_id: request.traceId,
        span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      // The SDK is imported (dynamically) at boot, so the probe has recorded it by now.
      expect(readFileSync(modules, 'utf8')).toMatch(/@opentelemetry[\\/]sdk-trace-node/);
    });

    itWithRedis('exports spans for the Redis commands of the request (the shared rate limit)', async () => {
      const command = await waitFor(async () => inTrace().find((span) => system(span) === 'redis'), 20_000, 100);
      expect(command.kind).toBe(3); // a client span, as the database query's
    });
  });

  it('loads no OpenTelemetry SDK, exporter or hook without OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const { modules, api: starting } = start('plain', { OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    const api = await starting;
    try {
      await predict(api);
      expect(api.output()).not.toMatch(/"trace_id"/);
    } finally {
      await api.kill('SIGTERM');
    }
    const loaded = readFileSync(modules, 'utf8').split('\n');
    expect(loaded.some((entry) => entry.includes('@opentelemetry/api'))).toBe(true);
    expect(loaded.filter((entry) => OTEL_SDK.test(entry))).toEqual([]);
  });
});
