import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Param, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ID } from '@app/common';
import { bearer, createTestApp, expectErrorShape, type TestApp } from '../helpers/test-app.js';

// `:id` segments match digits only (ID in @app/common), so no static route beside them depends
// on the order in which modules register their routes.

@Controller('things')
class ThingByIdController {
  @Get(ID)
  byId(@Param('id') id: string): { route: string; id: string } {
    return { route: 'id', id };
  }

  @Get(`${ID}/parts`)
  parts(@Param('id') id: string): { route: string; id: string } {
    return { route: 'parts', id };
  }
}

@Controller('things')
class ThingStatsController {
  @Get('stats')
  stats(): { route: string } {
    return { route: 'stats' };
  }

  @Get('stats/parts')
  statsParts(): { route: string } {
    return { route: 'stats/parts' };
  }
}

@Module({ controllers: [ThingByIdController, ThingStatsController] })
class IdFirstModule {}

@Module({ controllers: [ThingStatsController, ThingByIdController] })
class StaticFirstModule {}

describe('route parameters', () => {
  describe.each([
    ['the :id routes registered first', IdFirstModule],
    ['the static routes registered first', StaticFirstModule],
  ])('with %s', (_, module) => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger: false });
      await app.init();
      await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
    });
    afterAll(() => app.close());

    it('sends digits to :id, static siblings to their own routes, anything else nowhere', async () => {
      // Plain supertest: a toy module of the test's own, with no OpenAPI document to check against.
      const http = () => request(app.getHttpServer());
      expect((await http().get('/things/42').expect(200)).body).toEqual({ route: 'id', id: '42' });
      expect((await http().get('/things/42/parts').expect(200)).body).toEqual({ route: 'parts', id: '42' });
      expect((await http().get('/things/stats').expect(200)).body).toEqual({ route: 'stats' });
      expect((await http().get('/things/stats/parts').expect(200)).body).toEqual({ route: 'stats/parts' });
      for (const path of ['/things/abc', '/things/12a', '/things/-1', '/things/1.5', '/things/abc/parts'])
        await http().get(path).expect(404);
    });
  });

  describe('in the app', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('answers a non-digit id with 404 in the error shape: the :id route is never reached', async () => {
      const admin = bearer(t.adminToken);
      for (const path of [
        '/api/v1/products/abc',
        '/api/v1/products/12a/stock',
        '/api/v1/categories/abc',
        '/api/v1/tags/abc',
        '/api/v1/users/abc',
        '/api/v1/orders/abc',
      ]) {
        const response = await t.http().get(path).set(admin).expect(404);
        expect(expectErrorShape(response.body, 404).code).toBe('ROUTE_NOT_FOUND');
      }
    });

    it('serves static siblings of :id routes, also those of another module', async () => {
      const admin = bearer(t.adminToken);
      // /categories/stats is served by the products module, /users/stats/top-spenders by orders.
      expect(Array.isArray((await t.http().get('/api/v1/categories/stats').expect(200)).body)).toBe(true);
      expect(Array.isArray((await t.http().get('/api/v1/categories/tree').expect(200)).body)).toBe(true);
      await t.http().get('/api/v1/orders/stats/summary').set(admin).expect(200);
      await t.http().get('/api/v1/users/stats/top-spenders').set(admin).expect(200);
    });

    it('documents the parameters as {id}, without their pattern', async () => {
      const paths = Object.keys((await t.http().get('/docs-json').expect(200)).body.paths as Record<string, unknown>);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/api/v1/products/{id}',
          '/api/v1/products/{id}/stock',
          '/api/v1/categories/{id}/products',
          '/api/v1/users/{id}/orders',
        ]),
      );
      expect(paths.filter((path) => path.includes('(') || path.includes('^'))).toEqual([]);
    });

    it('labels request metrics with the route as written, not its pattern', async () => {
      await t.http().get('/api/v1/products/999999').expect(404);
      const metrics = (await t.http().get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/products\/:id",status="404"\} 1/);
      expect(metrics).not.toMatch(/route="[^"]*\(\^/);
    });
  });
});
