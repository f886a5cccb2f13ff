import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import {
  Brackets,
  In,
  type EntityManager,
  type QueryDeepPartialEntity,
  type Repository,
  type SelectQueryBuilder,
} from 'typeorm';
import { centsToDecimalString, pageOffset, parseSort, type PageQueryDto } from '@app/common';
import { containsInAny, SqlTextCache, UnitOfWork, updateColumns, updatedAtNow } from '@app/database';
import { TagsRepository } from '../tags/tags.repository.js';
import { MAX_STOCK } from './dto/product-fields.js';
import { Category } from '../categories/category.entity.js';
import { Product } from './product.entity.js';
import { ProductReadRepository } from './product-read.repository.js';
import { StockStatements, type OrderTerms, type StockLine, type StockRow } from './stock-statements.js';

export interface ProductFilter {
  categoryId?: number;
  /** Cents. */
  minPrice?: number;
  /** Cents. */
  maxPrice?: number;
  search?: string;
  inStock?: boolean;
  isActive?: boolean;
  /** Tag slugs: products carrying any of them. */
  tag?: string[];
  sort?: string;
}

/**
 * How long a public list's result (a page and its total) is reused. The catalog list is the
 * hottest read and changes rarely; building a page costs a COUNT(*) over the filtered products
 * (InnoDB counts by walking an index) plus the page itself. Every product or stock write through
 * this process clears the cache; what can still show up to this late is another replica's write,
 * or one that was committing while a list was read. Totals alone are kept a little longer, for
 * paging through the same filter.
 */
const LIST_TTL_MS = 1_000;
const COUNT_TTL_MS = 2_000;
const CACHED_QUERIES = 1_000;

/** The products table's queries, named for what they are for. */
@Injectable()
export class ProductsRepository {
  private readonly pages = new LRUCache<string, [Product[], number]>({ max: CACHED_QUERIES, ttl: LIST_TTL_MS });
  private readonly counts = new LRUCache<string, number>({ max: CACHED_QUERIES, ttl: COUNT_TTL_MS });
  /** The public reads are the hot path: their SQL text is built once per shape. */
  private readonly sqlText = new SqlTextCache();
  private readonly stock = new StockStatements();

  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    private readonly tags: TagsRepository,
    private readonly reads: ProductReadRepository,
    private readonly unitOfWork: UnitOfWork,
  ) {
    // Cached pages and reads carry each product's tags: a tag set change or a tag delete makes them stale.
    this.tags.onLinksChanged(() => this.forgetCachedReads());
  }

  /** Fills `tags` of every product with one IN query (none per product). */
  async attachTags<T extends Product | null>(rows: T[], manager?: EntityManager): Promise<T[]> {
    const products = rows.filter((row): row is NonNullable<T> => row !== null);
    const byProduct = await this.tags.tagsOfProducts(
      products.map((product) => product.id),
      manager,
    );
    for (const product of products) product.tags = byProduct.get(product.id) ?? [];
    return rows;
  }

  findById(id: number): Promise<Product | null> {
    return this.products.findOneBy({ id });
  }

  /** Products holding this SKU, slug, or name within the same category (NULL counts as one), other than `exceptId`. */
  findHoldersOf(
    fields: { sku?: string; slug?: string; name?: string; categoryId?: number | null },
    exceptId?: number,
    manager?: EntityManager,
  ): Promise<Product[]> {
    const query = (manager?.getRepository(Product) ?? this.products).createQueryBuilder('product').where(
      new Brackets((where) => {
        where.where('1 = 0');
        if (fields.sku) where.orWhere('product.sku = :sku', { sku: fields.sku });
        if (fields.slug) where.orWhere('product.slug = :slug', { slug: fields.slug });
        if (fields.name !== undefined) {
          where.orWhere(
            fields.categoryId == null
              ? 'product.name = :name AND product.categoryId IS NULL'
              : 'product.name = :name AND product.categoryId = :categoryId',
            {
              name: fields.name,
              categoryId: fields.categoryId,
            },
          );
        }
      }),
    );
    if (exceptId !== undefined) query.andWhere('product.id <> :exceptId', { exceptId });
    return query.getMany();
  }

  /** A page of products and the filtered total; the rows are shared with the cache, so read-only. */
  async list(filter: ProductFilter, page: PageQueryDto): Promise<[Product[], number]> {
    const { field, direction } = parseSort(filter.sort, { field: 'id', direction: 'ASC' });
    const { skip, take } = pageOffset(page);
    const key = JSON.stringify([
      filter.categoryId,
      filter.minPrice,
      filter.maxPrice,
      filter.search,
      filter.inStock,
      filter.isActive,
      filter.tag,
      field,
      direction,
      skip,
      take,
    ]);
    const cached = this.pages.get(key);
    if (cached) return cached;
    const query = this.products.createQueryBuilder('product');
    this.applyFilter(query, filter);
    const total = await this.cachedCount(
      query,
      JSON.stringify([
        filter.categoryId,
        filter.minPrice,
        filter.maxPrice,
        filter.search,
        filter.inStock,
        filter.isActive,
        filter.tag,
      ]),
    );
    if (total === 0) return [[], 0];
    query.orderBy(`product.${field}`, direction);
    if (field !== 'id') query.addOrderBy('product.id', 'ASC');
    query.offset(skip).limit(take);
    const rows = await this.sqlText.reuse(listShape(filter, field, direction, skip, take), query).getMany();
    const result: [Product[], number] = [await this.attachTags(rows), total];
    this.pages.set(key, result);
    return result;
  }

  /** Active products with at most `threshold` in stock, lowest first. */
  async lowStock(threshold: number, page: PageQueryDto): Promise<[Product[], number]> {
    const query = this.products
      .createQueryBuilder('product')
      .where('product.stockQuantity <= :threshold', { threshold })
      .andWhere('product.isActive = :active', { active: true });
    const total = await this.count(query);
    const { skip, take } = pageOffset(page);
    const rows = await query
      .orderBy('product.stockQuantity', 'ASC')
      .addOrderBy('product.id', 'ASC')
      .offset(skip)
      .limit(take)
      .getMany();
    return [await this.attachTags(rows), total];
  }

  create(fields: Partial<Product>): Product {
    return this.products.create(fields);
  }

  /** Inserts a new product (in the caller's transaction when `manager` is given). */
  async insert(product: Product, manager?: EntityManager): Promise<Product> {
    const saved = await (manager?.getRepository(Product) ?? this.products).save(product);
    this.forgetCachedReads();
    return saved;
  }

  /** The ids among `ids` that are categories. */
  async existingCategoryIds(ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.products.manager
      .getRepository(Category)
      .find({ select: { id: true }, where: { id: In(ids) } });
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Writes only these columns; never `stockQuantity` (that moves only through addStock and the
   * orders' takeStock, so an edit cannot put back stock an order took meanwhile). True when the row
   * exists.
   */
  async updateColumns(id: number, changes: Omit<QueryDeepPartialEntity<Product>, 'stockQuantity'>): Promise<boolean> {
    const changed = await updateColumns(this.products.manager, Product, id, changes);
    this.forgetCachedReads();
    return changed;
  }

  /**
   * `stockQuantity += delta` in one conditional UPDATE: the row lock (MySQL) or the single writer
   * (SQLite) makes it atomic, and the WHERE refuses a negative or oversized result. False when no
   * row changed (missing product, or the result out of range).
   */
  async addStock(id: number, delta: number, manager?: EntityManager): Promise<boolean> {
    this.forgetCachedReads();
    const writer = manager ?? this.products.manager;
    const result = await writer
      .createQueryBuilder()
      .update(Product)
      .set({ stockQuantity: () => 'stockQuantity + :delta', updatedAt: updatedAtNow(writer) })
      .where('id = :id AND stockQuantity + :delta >= 0 AND stockQuantity + :delta <= :max', {
        id,
        delta,
        max: MAX_STOCK,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** The order's rows, locked until commit (StockStatements.lock). */
  lockStockRows(manager: EntityManager, ids: number[]): Promise<StockRow[]> {
    return this.stock.lock(manager, ids);
  }

  /**
   * Takes every line's quantity in one UPDATE, only from active rows that have it. True when every
   * line's row changed. The caller holds the row locks and has checked the stock, so false means
   * the rows changed under it: roll back.
   */
  takeStock(manager: EntityManager, lines: StockLine[], terms?: Map<number, OrderTerms>): Promise<boolean> {
    this.forgetCachedReads();
    return this.stock.take(manager, lines, terms);
  }

  /** The names and prices last read of these products (all of them), for StockStatements.take. */
  knownOrderTerms(ids: number[]): Map<number, OrderTerms> | undefined {
    return this.stock.knownTerms(ids);
  }

  forgetOrderTerms(ids: number[]): void {
    this.stock.forgetTerms(ids);
  }

  private applyFilter(query: SelectQueryBuilder<Product>, filter: ProductFilter): void {
    if (filter.isActive !== undefined) query.andWhere('product.isActive = :isActive', { isActive: filter.isActive });
    if (filter.categoryId !== undefined)
      query.andWhere('product.categoryId = :categoryId', { categoryId: filter.categoryId });
    // Compared as decimal strings: no float ever holds a price.
    if (filter.minPrice !== undefined)
      query.andWhere('product.price >= :minPrice', { minPrice: centsToDecimalString(filter.minPrice) });
    if (filter.maxPrice !== undefined)
      query.andWhere('product.price <= :maxPrice', { maxPrice: centsToDecimalString(filter.maxPrice) });
    if (filter.inStock !== undefined)
      query.andWhere(filter.inStock ? 'product.stockQuantity > 0' : 'product.stockQuantity = 0');
    if (filter.search) {
      query.andWhere(containsInAny(['product.name', 'product.description', 'product.sku'], filter.search));
    }
    // Any of the slugs; a subquery, so a product carrying several of them is listed (and counted) once.
    if (filter.tag?.length) {
      query.andWhere(
        'product.id IN (SELECT link.productId FROM product_tags link INNER JOIN ' +
          'tags tag ON tag.id = link.tagId WHERE tag.slug IN (:...tagSlugs))',
        { tagSlugs: filter.tag },
      );
    }
  }

  /** Drops the cached lists, totals and product reads (after any write to products, their tags or categories). */
  forgetCachedReads(): void {
    const forget = () => {
      // Every order calls this; clearing an LRUCache walks its whole store even when it is empty.
      if (this.pages.size > 0) this.pages.clear();
      if (this.counts.size > 0) this.counts.clear();
      this.reads.forget();
    };
    forget();
    // Inside a transaction a read between now and the commit still sees the old rows, and would
    // keep them: forget once more when the write is visible.
    this.unitOfWork.afterCommit(forget);
  }

  private async cachedCount(query: SelectQueryBuilder<Product>, key: string): Promise<number> {
    const cached = this.counts.get(key);
    if (cached !== undefined) return cached;
    const total = await this.count(query);
    this.counts.set(key, total);
    return total;
  }

  /** COUNT(*) over the filtered rows (TypeORM's own count adds a DISTINCT it does not need here). */
  private async count(query: SelectQueryBuilder<Product>): Promise<number> {
    const row = await query.clone().select('COUNT(*)', 'total').orderBy().getRawOne<{ total: string | number }>();
    return Number(row?.total ?? 0);
  }
}

/** What makes a list query's SQL text differ: the filters present (not their values), sort and page. */
function listShape(filter: ProductFilter, field: string, direction: string, skip: number, take: number): string {
  const present = (Object.keys(filter) as (keyof ProductFilter)[]).filter(
    (key) => key !== 'sort' && filter[key] !== undefined && filter[key] !== '',
  );
  // The tag filter's text has one placeholder per slug.
  const tags = filter.tag?.length ?? 0;
  const page = `${field}:${direction}:${skip}:${take}`;
  return `list:${present.sort().join(',')}:inStock=${filter.inStock}:tags=${tags}:${page}`;
}
