import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { pageOffset, type PageQueryDto } from '@app/common';
import { centsOf, integerOrNull, updateColumns } from '@app/database';
import { Product } from '../products/product.entity.js';
import { Category } from './category.entity.js';

export interface CategoryStatsRow {
  categoryId: number;
  name: string;
  productCount: number;
  sumCents: number | null;
  minCents: number | null;
  maxCents: number | null;
}

/** The categories table's queries, named for what they are for. */
@Injectable()
export class CategoriesRepository {
  constructor(@InjectRepository(Category) private readonly categories: Repository<Category>) {}

  findById(id: number): Promise<Category | null> {
    return this.categories.findOneBy({ id });
  }

  async exists(id: number): Promise<boolean> {
    return (await this.categories.countBy({ id })) > 0;
  }

  list(page: PageQueryDto): Promise<[Category[], number]> {
    const { skip, take } = pageOffset(page);
    return this.categories.findAndCount({ order: { name: 'ASC', id: 'ASC' }, skip, take });
  }

  findAll(): Promise<Category[]> {
    return this.categories.find({ order: { name: 'ASC', id: 'ASC' } });
  }

  /** Every (id, parentId) pair: the whole hierarchy, to walk ancestors without a query per level. */
  async parentLinks(): Promise<Map<number, number | null>> {
    const rows = await this.categories.createQueryBuilder('category').select(['category.id', 'category.parentId']).getMany();
    return new Map(rows.map((row) => [row.id, row.parentId]));
  }

  /** Categories whose name (any case) or slug is already one of these, other than `exceptId`. */
  findHoldersOf(name: string | undefined, slug: string | undefined, exceptId?: number): Promise<Category[]> {
    const query = this.categories.createQueryBuilder('category').where(
      new Brackets((where) => {
        where.where('1 = 0');
        if (name) where.orWhere('LOWER(category.name) = :name', { name: name.toLowerCase() });
        if (slug) where.orWhere('category.slug = :slug', { slug });
      }),
    );
    if (exceptId !== undefined) query.andWhere('category.id <> :exceptId', { exceptId });
    return query.getMany();
  }

  create(fields: Partial<Category>): Category {
    return this.categories.create(fields);
  }

  insert(category: Category): Promise<Category> {
    return this.categories.save(category);
  }

  /** Writes only these columns. True when the row exists. */
  updateColumns(id: number, changes: QueryDeepPartialEntity<Category>): Promise<boolean> {
    return updateColumns(this.categories.manager, Category, id, changes);
  }

  /** The foreign keys set children's parentId and products' categoryId to NULL. */
  async delete(id: number): Promise<boolean> {
    const result = await this.categories.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Per category over its active products, in one GROUP BY. Reads the products table (never
   * writes it): the statistic belongs to categories, and a join is cheaper than a call per row.
   */
  async stats(): Promise<CategoryStatsRow[]> {
    const rows = await this.categories
      .createQueryBuilder('category')
      .leftJoin(Product, 'product', 'product.categoryId = category.id AND product.isActive = :active', { active: true })
      .select('category.id', 'categoryId')
      .addSelect('category.name', 'name')
      .addSelect('COUNT(product.id)', 'productCount')
      .addSelect(`SUM(${centsOf('product.price')})`, 'sumCents')
      .addSelect(`MIN(${centsOf('product.price')})`, 'minCents')
      .addSelect(`MAX(${centsOf('product.price')})`, 'maxCents')
      .groupBy('category.id')
      .addGroupBy('category.name')
      .orderBy('category.name', 'ASC')
      .getRawMany<Record<string, string | number | null>>();
    return rows.map((row) => ({
      categoryId: Number(row.categoryId),
      name: String(row.name),
      productCount: Number(row.productCount),
      sumCents: integerOrNull(row.sumCents),
      minCents: integerOrNull(row.minCents),
      maxCents: integerOrNull(row.maxCents),
    }));
  }
}
