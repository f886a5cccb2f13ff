import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { ADMIN, createTestApp, type TestApp } from '../helpers/test-app.js';
import { OpenApiResponseValidator } from '../helpers/openapi-response-validator.js';
import { validatingFetch } from '../helpers/validated-request.js';

/** The flow's source, in the repository (tests run from its root). */
const FLOW_SOURCE = join(process.cwd(), 'test', 'client', 'flow.ts.txt');

/**
 * What frontend teams do with the document: validate it, generate TypeScript types with
 * openapi-typescript, type-check a client flow written against them, and run it on the live app.
 */
describe('the OpenAPI document as frontend teams use it', () => {
  let t: TestApp;
  let work: string;
  let baseUrl: string;
  let document: Record<string, unknown>;

  beforeAll(async () => {
    t = await createTestApp();
    baseUrl = t.baseUrl;
    work = mkdtempSync(join(tmpdir(), 'app_test_client_'));
    document = (await t.http().get('/docs-json').expect(200)).body;
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await t.close();
  });

  it('validates as OpenAPI 3', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? 'valid' : compileErrors(result)).toBe('valid');
  });

  it('generates types that a client flow type-checks against, and the flow runs on the live app', async () => {
    const types = astToString(await openapiTS(document as never));
    writeFileSync(join(work, 'api.d.ts'), types);
    copyFileSync(FLOW_SOURCE, join(work, 'flow.ts'));
    const program = ts.createProgram([join(work, 'flow.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ES2022,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(diagnostics).toEqual([]);

    const compiled = ts.transpileModule(ts.sys.readFile(join(work, 'flow.ts'))!, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(work, 'flow.mjs'), compiled);
    const { runFlow } = (await import(pathToFileURL(join(work, 'flow.mjs')).href)) as {
      runFlow: (baseUrl: string, username: string, password: string) => Promise<Record<string, unknown>>;
    };
    // The flow calls the global fetch; during the run every answer it gets is checked against the document.
    const mismatches: string[] = [];
    const plainFetch = globalThis.fetch;
    globalThis.fetch = validatingFetch(new OpenApiResponseValidator(document), mismatches, plainFetch);
    const result = await runFlow(baseUrl, ADMIN.username, ADMIN.password).finally(
      () => (globalThis.fetch = plainFetch),
    );
    expect(mismatches).toEqual([]);
    expect(result).toMatchObject({
      username: ADMIN.username,
      role: 'admin',
      predictedVersion: '1.0.0',
      unauthorized: 401,
    });
    expect(result.modelNames).toEqual(expect.arrayContaining(['sensor-anomaly', 'order-value']));
    const commerce = result.commerce as {
      categorySlug: string;
      orderId: number;
      orderNumber: string;
      productId: number;
      listedOrderIds: number[];
      userOrderIds: number[];
      customer: { id: number; role: string; orderUserId: number };
      readBack: Record<string, unknown>;
      orderEvents: unknown[];
    };
    expect(commerce.categorySlug).toMatch(/^client-flow-/);
    expect(commerce).toMatchObject({
      productPrice: '19.95',
      orderTotal: '39.90',
      orderStatus: 'pending',
      lineNames: ['Flow Lamp'],
      retryStatus: 200,
      retryReplayedHeader: 'true',
      retrySameOrder: true,
    });
    // A customer's order is its own, reads back as placed, and is the only one in both of its lists.
    expect(commerce.customer.role).toBe('customer');
    expect(commerce.customer.orderUserId).toBe(commerce.customer.id);
    expect(commerce.readBack).toEqual({
      status: 200,
      id: commerce.orderId,
      orderNumber: commerce.orderNumber,
      totalAmount: '39.90',
      lines: [[commerce.productId, 2, '19.95', '39.90']],
    });
    expect(commerce.listedOrderIds).toEqual([commerce.orderId]);
    expect(commerce.userOrderIds).toEqual([commerce.orderId]);
    expect(commerce.orderEvents).toEqual([[null, 'pending']]);
    // An API key made and used through the generated types: shown once, scoped, revocable.
    expect(result.apiKeys).toEqual({
      prefix: expect.stringMatching(/^ak_/),
      scopes: ['predict', 'read'],
      listedHasSecret: false,
      predictStatus: 200,
      readStatus: 200,
      orderStatus: 403,
      revokeStatus: 204,
      afterRevokeStatus: 401,
    });
  });

  it('runs the tag flow of the same generated client: create a tag, tag a product, filter by it', async () => {
    // flow.mjs was type-checked and compiled by the test above.
    const { runTagFlow } = (await import(pathToFileURL(join(work, 'flow.mjs')).href)) as {
      runTagFlow: (baseUrl: string, username: string, password: string) => Promise<Record<string, any>>;
    };
    const result = await runTagFlow(baseUrl, ADMIN.username, ADMIN.password);
    const slug = result.tag.slug as string;
    expect(result.tag).toEqual({ status: 201, slug: expect.stringMatching(/^flow-tag-/) });
    expect(result.listedTagSlugs).toContain(slug);
    expect(result.tagged).toEqual({ status: 200, tagSlugs: [slug] });
    expect(result.filtered).toEqual({
      total: 1,
      names: [expect.stringMatching(/^Tagged Flow Lamp /)],
      tagSlugs: [[slug]],
    });
  });
});
