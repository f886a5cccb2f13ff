import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError, NotFoundError, toPage, ValidationFailedError, type Page, type PageQueryDto } from '@app/common';
import type { AuthUser } from '@app/http/auth-metadata/auth-user.js';
import { isAdmin } from '@app/common';
import { CategoriesService } from '../categories/categories.service.js';
import { slugify } from '../categories/slug.js';
import type { CreateProductDto } from './dto/create-product.dto.js';
import type { ListProductsQueryDto } from './dto/list-products.query.js';
import { toProductResponse, type ProductResponseDto } from './dto/product-response.dto.js';
import type { UpdateProductDto } from './dto/update-product.dto.js';
import type { Product } from './product.entity.js';
import { ProductReadRepository } from './product-read.repository.js';
import { ProductsRepository, type ProductFilter } from './products.repository.js';
import type { OrderTerms, StockLine } from './stock-statements.js';

/** What an order copies from a product whose stock it took (the price in cents). */
export type ReservedProduct = OrderTerms;

/**
 * The products' remembered terms were stale, or one cannot be ordered: the stock UPDATE may have
 * changed some rows, so the transaction must be rolled back and run again, locking first.
 */
export class StockTermsChanged extends Error {
  constructor() {
    super('The products changed since their terms were read; run the order again, locking first');
  }
}

@Injectable()
export class ProductsService {
  /** The answer of each product read, while the read is kept (read-only: shared by the requests). */
  private readonly answers = new WeakMap<Product, ProductResponseDto>();

  constructor(
    private readonly products: ProductsRepository,
    private readonly reads: ProductReadRepository,
    private readonly categories: CategoriesService,
  ) {
    // A single-product answer carries its category: a rename, move or delete makes it stale.
    this.categories.onChanged(() => this.products.forgetCachedReads());
  }

  /** Everyone but an admin sees active products only, whatever `isActive` they send. */
  async list(query: ListProductsQueryDto, actor?: AuthUser): Promise<Page<ProductResponseDto>> {
    const filter: ProductFilter = { ...query, isActive: actor && isAdmin(actor) ? query.isActive : true };
    const [rows, total] = await this.products.list(filter, query);
    return toPage(rows.map(toProductResponse), total, query);
  }

  /** The active products of a category (404 for a missing category). */
  async listOfCategory(categoryId: number, query: PageQueryDto & { sort?: string }): Promise<Page<ProductResponseDto>> {
    await this.categories.assertExists(categoryId);
    const [rows, total] = await this.products.list({ categoryId, isActive: true, sort: query.sort }, query);
    return toPage(rows.map(toProductResponse), total, query);
  }

  async lowStock(threshold: number, page: PageQueryDto): Promise<Page<ProductResponseDto>> {
    const [rows, total] = await this.products.lowStock(threshold, page);
    return toPage(rows.map(toProductResponse), total, page);
  }

  /** With its category and tags. A soft-deleted product is visible to admins only (404 for everyone else). */
  async get(id: number, actor?: AuthUser): Promise<ProductResponseDto> {
    return this.visible(await this.reads.findById(id), actor, id);
  }

  async getBySku(sku: string, actor?: AuthUser): Promise<ProductResponseDto> {
    const normalized = sku.trim().toUpperCase();
    return this.visible(await this.reads.findBySku(normalized), actor, normalized);
  }

  async getBySlug(slug: string, actor?: AuthUser): Promise<ProductResponseDto> {
    return this.visible(await this.reads.findBySlug(slug), actor, slug);
  }

  async create(dto: CreateProductDto): Promise<ProductResponseDto> {
    if (dto.categoryId != null) await this.categories.assertExists(dto.categoryId);
    return this.insertChecked(dto);
  }

  /**
   * The checks and insert of a create, after the category check; with `manager`, every read and
   * the insert run in the caller's transaction (so a bulk import sees its own earlier rows).
   */
  async insertChecked(dto: CreateProductDto, manager?: EntityManager): Promise<ProductResponseDto> {
    const categoryId = dto.categoryId ?? null;
    const slug = dto.slug ?? (await this.freeSlugFor(dto.name, dto.sku, manager));
    await this.refuseTaken({ sku: dto.sku, slug, name: dto.name, categoryId }, undefined, manager);
    const saved = await this.products.insert(
      this.products.create({
        name: dto.name,
        slug,
        description: dto.description ?? null,
        price: dto.price,
        sku: dto.sku,
        stockQuantity: dto.stockQuantity ?? 0,
        isActive: dto.isActive ?? true,
        categoryId,
      }),
      manager,
    );
    return toProductResponse(saved);
  }

  async update(id: number, dto: UpdateProductDto): Promise<ProductResponseDto> {
    const product = await this.getRow(id);
    if (dto.categoryId != null && dto.categoryId !== product.categoryId)
      await this.categories.assertExists(dto.categoryId);
    const name = dto.name ?? product.name;
    const categoryId = dto.categoryId !== undefined ? dto.categoryId : product.categoryId;
    const nameOrCategoryChanged = name !== product.name || categoryId !== product.categoryId;
    await this.refuseTaken(
      {
        sku: dto.sku !== product.sku ? dto.sku : undefined,
        slug: dto.slug !== product.slug ? dto.slug : undefined,
        ...(nameOrCategoryChanged ? { name, categoryId } : {}),
      },
      id,
    );
    // Only the fields sent: writing back the row read above would undo a concurrent order's stock.
    const { categoryId: _categoryId, ...fields } = dto;
    const changes = Object.fromEntries(
      Object.entries({ ...fields, categoryId: dto.categoryId }).filter(([, value]) => value !== undefined),
    );
    if (Object.keys(changes).length > 0 && !(await this.products.updateColumns(id, changes)))
      throw new NotFoundError('PRODUCT_NOT_FOUND', 'Product', id);
    return this.responseOf(id);
  }

  /** `stockQuantity += delta` atomically; 409 when the result would be negative. */
  async adjustStock(id: number, delta: number): Promise<ProductResponseDto> {
    if (!(await this.products.addStock(id, delta))) {
      const product = await this.getRow(id);
      throw new ConflictError(
        'PRODUCT_STOCK_NEGATIVE',
        `Stock of product ${id} cannot change by ${delta}: ${product.stockQuantity} in stock`,
      );
    }
    return this.responseOf(id);
  }

  /** Soft delete: the product stays for past orders, but is no longer listed or orderable. */
  async deactivate(id: number): Promise<void> {
    if (!(await this.products.updateColumns(id, { isActive: false })))
      throw new NotFoundError('PRODUCT_NOT_FOUND', 'Product', id);
  }

  /**
   * For the orders transaction (its `manager`): takes the lines' stock and returns the names and
   * prices the order copies. Lines for the same product are merged first. Throwing makes the
   * caller roll back.
   *
   * When the terms of every product are known (StockStatements), one UPDATE takes the stock on
   * condition that each row is active, has it, and carries those terms; if any row does not, the
   * UPDATE may have changed the others, so this throws StockTermsChanged and the caller rolls back
   * and runs its transaction again with `lockFirst`. Locking first: SELECT … FOR UPDATE (ascending
   * id), check each (404 missing; 409 inactive or short of stock, naming what is available), then
   * the UPDATE. One statement per order when the terms are known, two otherwise, whatever its
   * length: the order's round trips are most of its cost.
   */
  async reserveStock(
    manager: EntityManager,
    lines: StockLine[],
    { lockFirst = false } = {},
  ): Promise<Map<number, ReservedProduct>> {
    const merged = mergeLines(lines);
    const ids = merged.map((line) => line.productId);
    const known = lockFirst ? undefined : this.products.knownOrderTerms(ids);
    if (known) {
      if (await this.products.takeStock(manager, merged, known)) return known;
      this.products.forgetOrderTerms(ids);
      throw new StockTermsChanged();
    }
    const rows = new Map((await this.products.lockStockRows(manager, ids)).map((row) => [row.id, row]));
    for (const { productId, quantity } of merged) {
      const row = rows.get(productId);
      if (!row) throw new NotFoundError('PRODUCT_NOT_FOUND', 'Product', productId);
      if (!row.isActive) throw new ConflictError('ORDER_PRODUCT_INACTIVE', `Product '${row.name}' is not available`);
      if (row.stockQuantity < quantity)
        throw new ConflictError(
          'ORDER_INSUFFICIENT_STOCK',
          `Insufficient stock for '${row.name}'. Available: ${row.stockQuantity}, Requested: ${quantity}`,
        );
    }
    // Cannot fail while the locks hold; the UPDATE's own conditions are the last line regardless.
    if (!(await this.products.takeStock(manager, merged)))
      throw new ConflictError('ORDER_STOCK_CHANGED', 'The stock changed while the order was placed; try again');
    return new Map([...rows.values()].map((row) => [row.id, { id: row.id, name: row.name, price: row.price }]));
  }

  /** For a cancelled order, in the caller's transaction: puts the quantities back, ascending by id. */
  async releaseStock(manager: EntityManager, lines: StockLine[]): Promise<void> {
    for (const { productId, quantity } of mergeLines(lines)) await this.products.addStock(productId, quantity, manager);
  }

  /**
   * `product` read with its category and tags (ProductReadRepository). A kept read is one shared,
   * unchanging entity, so its answer is made once and kept as long as the read (profiled: mapping
   * it, dates to text and cents to decimals, was 5 % of a cached GET /products/{id}).
   */
  private visible(product: Product | null, actor: AuthUser | undefined, key: string | number): ProductResponseDto {
    if (!product || (!product.isActive && !(actor && isAdmin(actor))))
      throw new NotFoundError('PRODUCT_NOT_FOUND', 'Product', key);
    let answer = this.answers.get(product);
    if (!answer) this.answers.set(product, (answer = toProductResponse(product)));
    return answer;
  }

  /** The product as it is now, with its tags (404 when missing). */
  async responseOf(id: number): Promise<ProductResponseDto> {
    const [product] = await this.products.attachTags([await this.getRow(id)]);
    return toProductResponse(product);
  }

  private async getRow(id: number): Promise<Product> {
    const product = await this.products.findById(id);
    if (!product) throw new NotFoundError('PRODUCT_NOT_FOUND', 'Product', id);
    return product;
  }

  /** The name's slug, or with the SKU appended when a product of another category holds it. */
  private async freeSlugFor(name: string, sku: string, manager?: EntityManager): Promise<string> {
    const slug = slugify(name, 200);
    if (!slug)
      throw new ValidationFailedError(
        [{ field: 'slug', message: 'slug cannot be derived from this name; send one' }],
        undefined,
        'SLUG_NOT_DERIVABLE',
      );
    const taken = await this.products.findHoldersOf({ slug }, undefined, manager);
    return taken.length === 0 ? slug : `${slug}-${sku.toLowerCase()}`.slice(0, 220);
  }

  private async refuseTaken(
    fields: { sku?: string; slug?: string; name?: string; categoryId?: number | null },
    exceptId?: number,
    manager?: EntityManager,
  ): Promise<void> {
    for (const holder of await this.products.findHoldersOf(fields, exceptId, manager)) {
      if (fields.sku && holder.sku === fields.sku)
        throw new ConflictError('PRODUCT_SKU_TAKEN', `SKU '${fields.sku}' is already taken`);
      if (fields.slug && holder.slug === fields.slug)
        throw new ConflictError('PRODUCT_SLUG_TAKEN', `Product slug '${fields.slug}' is already taken`);
      if (fields.name !== undefined)
        throw new ConflictError(
          'PRODUCT_NAME_TAKEN',
          `A product named '${fields.name}' already exists in this category`,
        );
    }
  }
}

/** One line per product, ascending by id: every transaction locks rows in the same order. */
function mergeLines(lines: StockLine[]): StockLine[] {
  const totals = new Map<number, number>();
  for (const line of lines) totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
  return [...totals].sort(([a], [b]) => a - b).map(([productId, quantity]) => ({ productId, quantity }));
}
