import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives wrapped under ES-module interop.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** One answer as the client received it: the real bytes, not a parsed body. */
export interface ObservedResponse {
  method: string;
  /** The request URL or path, query string included (it is ignored). */
  url: string;
  status: number;
  contentType: string | undefined;
  text: string;
  /** The answer's headers, lower-cased names: documented headers marked required must be there. */
  headers?: Record<string, string | undefined>;
}

type Json = Record<string, unknown>;
interface Operation {
  template: string;
  method: string;
  responses: Record<string, Json>;
}

const SCHEMA_BASE = 'https://openapi.test/components/schemas/';
/** Served by Swagger UI itself, not by the API; not in the document by design. */
const OUTSIDE_THE_DOCUMENT = /^\/docs(?:[/-]|$)/;
const ERROR_SCHEMA = 'ErrorBodyDto';
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/**
 * Checks an answer against the OpenAPI document the app serves (ajv, strict mode). The rules:
 * the route and method must be in the document (except Swagger UI's own pages; an unknown path
 * may only answer 404 in the error shape); the status must be documented for that operation;
 * a JSON body must match the documented JSON schema of that status; a body of another type must
 * be documented with that content type; a documented response without content has no body.
 * CORS preflights (OPTIONS) are Fastify's, not operations, and are not checked.
 */
export class OpenApiResponseValidator {
  private readonly ajv: Ajv;
  private readonly operations: Operation[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: Json) {
    this.ajv = new Ajv({ strict: true, allErrors: true, discriminator: true });
    addFormats(this.ajv);
    this.ajv.addKeyword({ keyword: 'example' });
    const schemas = ((document.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
    for (const [name, schema] of Object.entries(schemas))
      this.ajv.addSchema(rewriteRefs(schema) as Json, SCHEMA_BASE + name);
    this.operations = Object.entries(document.paths as Record<string, Record<string, Json>>)
      .flatMap(([template, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          template,
          method: method.toUpperCase(),
          responses: operation.responses as Record<string, Json>,
        })),
      )
      // Static segments win over parameters, as in Fastify's router (`/products/low-stock` before `/products/{id}`).
      .sort((a, b) => staticWeight(b.template) - staticWeight(a.template));
  }

  /** A readable failure naming the operation, the status and every schema error; undefined when the answer matches. */
  check(response: ObservedResponse): string | undefined {
    const method = response.method.toUpperCase();
    if (method === 'OPTIONS') return undefined;
    const path = pathOf(response.url);
    if (OUTSIDE_THE_DOCUMENT.test(path)) return undefined;
    const lookup = method === 'HEAD' ? 'GET' : method;
    const candidates = this.operations.filter((operation) => templateMatches(operation.template, path));
    const operation = candidates.find((candidate) => candidate.method === lookup);
    const where = operation ? `${method} ${operation.template}` : `${method} ${path}`;
    const fail = (reason: string) =>
      `OpenAPI response mismatch: ${where} answered ${response.status}: ${reason}\n  body: ${clip(response.text)}`;

    if (!operation) {
      if (response.status !== 404)
        return fail(
          candidates.length
            ? `the document has no ${lookup} operation on this path`
            : 'the path is not in the document',
        );
      return this.validateJson(ERROR_SCHEMA, { $ref: SCHEMA_BASE + ERROR_SCHEMA }, response, fail);
    }
    const documented = operation.responses[String(response.status)];
    if (!documented)
      return fail(
        `status ${response.status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`,
      );
    const missing = missingRequiredHeaders(documented, response.headers);
    if (missing.length) return fail(`the documented header ${missing.join(', ')} is missing`);
    const content = documented.content as Record<string, { schema?: Json }> | undefined;
    if (method === 'HEAD') return undefined;
    if (!content)
      return response.text.length === 0 ? undefined : fail('the document gives this status no body, but one was sent');
    const type = response.contentType ?? '';
    if (JSON_TYPE.test(type)) {
      const jsonEntry = Object.entries(content).find(([name]) => JSON_TYPE.test(name));
      if (!jsonEntry) return fail(`answered ${type}, documented: ${Object.keys(content).join(', ')}`);
      return this.validateJson(
        `${lookup} ${operation.template} ${response.status}`,
        jsonEntry[1].schema ?? {},
        response,
        fail,
      );
    }
    const mediaType = type.split(';')[0].trim().toLowerCase();
    if (!Object.keys(content).some((name) => name.toLowerCase() === mediaType))
      return fail(`answered ${type || 'no content type'}, documented: ${Object.keys(content).join(', ')}`);
    return undefined;
  }

  private validateJson(
    key: string,
    schema: Json,
    response: ObservedResponse,
    fail: (reason: string) => string,
  ): string | undefined {
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      return fail('the body is not valid JSON');
    }
    let validate = this.compiled.get(key);
    if (!validate) {
      try {
        validate = this.ajv.compile(rewriteRefs(schema) as Json);
      } catch (error) {
        return fail(`the documented schema does not compile in strict mode: ${(error as Error).message}`);
      }
      this.compiled.set(key, validate);
    }
    if (validate(body)) return undefined;
    const errors = (validate.errors ?? []).map((error) => {
      const params = error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : '';
      return `    ${error.instancePath || '(body)'} ${error.message}${params} [schema ${error.schemaPath}]`;
    });
    return fail(`the body does not match the documented schema:\n${errors.join('\n')}`);
  }
}

/** `#/components/schemas/X` refs become absolute ids ajv resolves among the added schemas. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      key === '$ref' && typeof inner === 'string'
        ? inner.replace('#/components/schemas/', SCHEMA_BASE)
        : rewriteRefs(inner);
  }
  return out;
}

function pathOf(url: string): string {
  const path = url.startsWith('http') ? new URL(url).pathname : url.split('?')[0];
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}

function templateMatches(template: string, path: string): boolean {
  const a = template.split('/');
  const b = path.split('/');
  return (
    a.length === b.length &&
    a.every((segment, index) => (/^\{.+\}$/.test(segment) ? b[index].length > 0 : segment === b[index]))
  );
}

function staticWeight(template: string): number {
  // Earlier static segments weigh more, so the first segment that differs decides.
  return template
    .split('/')
    .reduce((weight, segment, index) => weight + (/^\{.+\}$/.test(segment) ? 0 : 2 ** (16 - index)), 0);
}

function clip(text: string): string {
  return text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : text;
}

/** The headers a documented answer marks required (Location on a create) that the answer lacks. */
function missingRequiredHeaders(documented: Json, headers: ObservedResponse['headers']): string[] {
  if (!headers) return [];
  const declared = (documented.headers ?? {}) as Record<string, { required?: boolean }>;
  return Object.entries(declared)
    .filter(([name, header]) => header.required === true && headers[name.toLowerCase()] === undefined)
    .map(([name]) => name);
}
