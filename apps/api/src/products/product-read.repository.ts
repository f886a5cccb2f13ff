import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { runPrebuiltRead, SelectedEntity } from '@app/database';
import { Category } from '../categories/category.entity.js';
import { ProductTag } from '../tags/product-tag.entity.js';
import { Tag } from '../tags/tag.entity.js';
import { Product } from './product.entity.js';

/** The unique keys a single product is read by. */
type ProductKey = 'id' | 'sku' | 'slug';

/**
 * How long a product read is reused, as the public lists are (ProductsRepository): every write
 * through this process that changes what a single-product answer shows (the product, its stock,
 * its tags, its category) clears it at once and again after its commit, so what can show up to
 * this late is another replica's write.
 */
const READ_TTL_MS = 1_000;
const CACHED_READS = 10_000;

/** The parts of the statement, each entity's columns under its alias; built at first use. */
interface Statement {
  product: SelectedEntity<Product>;
  category: SelectedEntity<Category>;
  tag: SelectedEntity<Tag>;
  textByKey: Map<ProductKey, string>;
}

/**
 * One product with its category and tags (GET /products/:id, by-sku, by-slug): the hottest
 * single-row read. ONE statement per key, its text written once from the entity metadata, per
 * request only the key bound and the rows mapped:
 *
 *   product LEFT JOIN category LEFT JOIN product_tags LEFT JOIN tags, one row per tag (one row
 *   with NULL tag columns for an untagged product), ORDER BY tag name, then id.
 *
 * The tags are ordered by the `tags.name` column itself, as TagsRepository.tagsOfProducts orders
 * them, so each engine applies the column's own collation to both (binary on SQLite; the
 * database's, utf8mb4_unicode_ci, case-insensitive, on MariaDB): the order the lists show. One statement rather
 * than two also reads the product and its tags at one instant. A product carries at most
 * MAX_TAGS_PER_PRODUCT tags, so repeating its columns on each row stays small.
 *
 * Products read are reused for READ_TTL_MS (the entities are shared: read-only for callers). A
 * read that was running when the cache was cleared is not kept: it may hold the rows from before.
 */
@Injectable()
export class ProductReadRepository {
  private statement: Statement | undefined;
  private readonly recent = new LRUCache<string, Product>({ max: CACHED_READS, ttl: READ_TTL_MS });
  /** Bumped by every clear, so a read that overlapped one is not kept. */
  private generation = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: number): Promise<Product | null> {
    return this.findOne('id', id);
  }

  /** `sku` as stored (upper-case). */
  findBySku(sku: string): Promise<Product | null> {
    return this.findOne('sku', sku);
  }

  findBySlug(slug: string): Promise<Product | null> {
    return this.findOne('slug', slug);
  }

  /** Forgets every product read (a write changed what one may show). */
  forget(): void {
    this.generation += 1;
    if (this.recent.size > 0) this.recent.clear();
  }

  private async findOne(key: ProductKey, value: number | string): Promise<Product | null> {
    const cacheKey = `${key}:${value}`;
    const recent = this.recent.get(cacheKey);
    if (recent) return recent;
    const generation = this.generation;
    const product = await this.read(key, value);
    // Missing products are not kept: one created on another replica shows up at once.
    if (product && generation === this.generation) this.recent.set(cacheKey, product);
    return product;
  }

  private async read(key: ProductKey, value: number | string): Promise<Product | null> {
    const statement = (this.statement ??= this.prepare());
    const rows = await runPrebuiltRead(this.dataSource, this.textFor(statement, key), [value]);
    if (rows.length === 0) return null;
    const product = statement.product.hydrate(rows[0])!;
    product.category = statement.category.hydrate(rows[0]);
    product.tags = [];
    for (const row of rows) {
      const tag = statement.tag.hydrate(row);
      // The summary the product responses carry, as tagsOfProducts builds it.
      if (tag) product.tags.push({ id: tag.id, name: tag.name, slug: tag.slug });
    }
    return product;
  }

  private prepare(): Statement {
    return {
      product: new SelectedEntity(this.dataSource, Product, 'product'),
      category: new SelectedEntity(this.dataSource, Category, 'category'),
      tag: new SelectedEntity(this.dataSource, Tag, 'tag', ['id', 'name', 'slug']),
      textByKey: new Map(),
    };
  }

  private textFor(statement: Statement, key: ProductKey): string {
    let text = statement.textByKey.get(key);
    if (text === undefined) {
      const { product, category, tag } = statement;
      const link = new SelectedEntity(this.dataSource, ProductTag, 'link', []);
      text =
        `SELECT ${product.selectList}, ${category.selectList}, ${tag.selectList} FROM ${product.table}` +
        ` LEFT JOIN ${category.table} ON ${category.column('id')} = ${product.column('categoryId')}` +
        ` LEFT JOIN ${link.table} ON ${link.column('productId')} = ${product.column('id')}` +
        ` LEFT JOIN ${tag.table} ON ${tag.column('id')} = ${link.column('tagId')}` +
        ` WHERE ${product.column(key)} = ? ORDER BY ${tag.column('name')} ASC, ${tag.column('id')} ASC`;
      statement.textByKey.set(key, text);
    }
    return text;
  }
}
