import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { centsOf, integerOrNull } from '@app/database';
import { Category } from '../categories/category.entity.js';
import { Product } from './product.entity.js';

export interface CategoryStatsRow {
  categoryId: number;
  name: string;
  productCount: number;
  sumCents: number | null;
  minCents: number | null;
  maxCents: number | null;
}

/**
 * Category statistics are figures about products (count and prices per category), so they live
 * with products, which depend on categories; the categories module never reads the products table.
 */
@Injectable()
export class CategoryStatsRepository {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  /** Per category over its active products, in one GROUP BY (a join is cheaper than a call per row). */
  async stats(): Promise<CategoryStatsRow[]> {
    const rows = await this.products.manager
      .createQueryBuilder(Category, 'category')
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
