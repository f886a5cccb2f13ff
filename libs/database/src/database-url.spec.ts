import { describe, expect, it } from '@jest/globals';
import { buildDataSourceOptions } from './data-source-options.js';
import { parseDatabaseUrl } from './database-url.js';

describe('parseDatabaseUrl', () => {
  it('reads SQLAlchemy-style SQLite URLs, relative and absolute', () => {
    expect(parseDatabaseUrl('sqlite:///./data/app.sqlite', '/srv/app')).toEqual({
      engine: 'sqlite',
      file: '/srv/app/data/app.sqlite',
    });
    expect(parseDatabaseUrl('sqlite:////var/lib/app.sqlite', '/srv/app')).toEqual({
      engine: 'sqlite',
      file: '/var/lib/app.sqlite',
    });
    expect(parseDatabaseUrl('sqlite:///:memory:')).toEqual({ engine: 'sqlite', file: ':memory:' });
  });

  it('reads MySQL and MariaDB URLs with credentials', () => {
    expect(parseDatabaseUrl('mysql://app:p%40ss@db.internal:3307/shop')).toEqual({
      engine: 'mysql',
      host: 'db.internal',
      port: 3307,
      username: 'app',
      password: 'p@ss',
      database: 'shop',
    });
    expect(parseDatabaseUrl('mariadb://root@127.0.0.1/shop')).toMatchObject({
      engine: 'mariadb',
      port: 3306,
      password: '',
    });
  });

  it('refuses unsupported schemes and URLs without a database', () => {
    expect(() => parseDatabaseUrl('postgres://x@y/z')).toThrow(/not supported/);
    expect(() => parseDatabaseUrl('mysql://x@y')).toThrow(/must name a database/);
    expect(() => parseDatabaseUrl('nonsense')).toThrow();
  });
});

describe('buildDataSourceOptions', () => {
  it('never synchronizes and picks the driver from the URL', () => {
    const mysql = buildDataSourceOptions({
      url: 'mariadb://root@127.0.0.1:3306/shop',
      entities: [],
      migrations: [],
      poolSize: 7,
    });
    expect(mysql).toMatchObject({ type: 'mariadb', synchronize: false, timezone: 'Z', poolSize: 7 });
    const sqlite = buildDataSourceOptions({ url: 'sqlite:///:memory:', entities: [], migrations: [] });
    expect(sqlite).toMatchObject({ type: 'better-sqlite3', synchronize: false, database: ':memory:' });
  });

  it('routes reads to replicas when replica URLs are given', () => {
    const options = buildDataSourceOptions({
      url: 'mysql://root@primary:3306/shop',
      replicaUrls: ['mysql://ro@replica1:3306/shop'],
      entities: [],
      migrations: [],
    });
    expect(options).toMatchObject({
      type: 'mysql',
      replication: { master: { host: 'primary' }, slaves: [{ host: 'replica1', username: 'ro' }] },
    });
  });
});
