import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { browserOrSkip, servePage, type StaticPage } from '../helpers/browser.js';
import { SHOP_PAGE } from '../helpers/shop-page.js';
import { ADMIN, bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/** The page's own API (test/helpers/shop-page.ts); the project's types have no DOM. */
interface ShopWindow {
  runShop(settings: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const executablePath = browserOrSkip();
const describeInBrowser = executablePath ? describe : describe.skip;
jest.setTimeout(120_000);

/**
 * A frontend in a real browser (headless Chromium, the system's) on an origin of its own: what
 * CORS lets it do is what the browser enforces, not what a test client reads from headers.
 */
describeInBrowser('a web app on another origin, in Chromium', () => {
  let t: TestApp;
  let allowed: StaticPage;
  let refused: StaticPage;
  let browser: Browser;
  let productId: number;
  let tagIds: number[];

  beforeAll(async () => {
    [allowed, refused] = await Promise.all([servePage(SHOP_PAGE), servePage(SHOP_PAGE)]);
    [t, browser] = await Promise.all([
      createTestApp({ CORS_ORIGINS: allowed.origin }),
      chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] }),
    ]);
    const admin = bearer(t.adminToken);
    const product = { name: 'Browser lamp', sku: 'BROWSER-1', price: '10.00', stockQuantity: 5 };
    productId = (await t.http().post('/api/v1/products').set(admin).send(product).expect(201)).body.id;
    tagIds = [];
    for (const name of ['gift', 'sale'])
      tagIds.push((await t.http().post('/api/v1/tags').set(admin).send({ name }).expect(201)).body.id);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await Promise.all([allowed?.close(), refused?.close()]);
  });

  async function shopFrom(origin: string, idempotencyKey: string): Promise<{ page: Page; run: Promise<unknown> }> {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    const settings = { api: t.baseUrl, ...ADMIN, productId, tagIds, idempotencyKey };
    return { page, run: page.evaluate((given) => (globalThis as unknown as ShopWindow).runShop(given), settings) };
  }

  it('signs in, orders, replays, cancels, tags, revokes a key and predicts from an allowed origin', async () => {
    const { page, run } = await shopFrom(allowed.origin, 'browser-order-1');
    const seen = (await run) as Record<string, Record<string, unknown> | number>;
    await page.close();
    expect(seen.login).toBe(200);
    const order = seen.order as { status: number; id: number; location: string };
    expect(order).toEqual({ status: 201, id: expect.any(Number), location: `/api/v1/orders/${order.id}` });
    expect(seen.replay).toEqual({
      status: 200,
      id: order.id,
      replayed: 'true',
      requestId: 'browser-browser-order-1',
    });
    expect(seen.cancel).toEqual({ status: 200, orderStatus: 'cancelled' });
    expect(seen.tags).toEqual({ status: 200, tagIds: expect.arrayContaining(tagIds) });
    expect(seen.apiKey).toEqual({ created: 201, used: 200, revoked: 204, afterRevoke: 401 });
    expect(seen.predict).toEqual({ status: 200, modelVersion: '1.0.0', version: '1.0.0' });
    // What the page did reached the database: the order is cancelled and the stock restored.
    const [row] = await t.dataSource.query('SELECT status FROM orders WHERE id = ?', [order.id]);
    expect(row.status).toBe('cancelled');
  });

  it('is refused by the browser on an origin not in CORS_ORIGINS, before any request is made', async () => {
    const before = Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM orders'))[0].n);
    const { page, run } = await shopFrom(refused.origin, 'browser-order-2');
    await expect(run).rejects.toThrow(/Failed to fetch/);
    await page.close();
    expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM orders'))[0].n)).toBe(before);
  });
});
