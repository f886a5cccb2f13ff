import type { DataSource } from 'typeorm';
import { SqlTextCache } from '@app/database';
import { Product } from '../../apps/api/src/products/product.entity.js';
import type { TagsRepository } from '../../apps/api/src/tags/tags.repository.js';

/**
 * The single-product read as ProductsRepository ran it before ProductReadRepository: TypeORM's
 * query builder with the category joined (its text reused per condition through SqlTextCache),
 * then the tags by TagsRepository.tagsOfProducts. Kept for the tests that compare the new read
 * with it and that check SqlTextCache on a parameterised single-row read.
 */
export class QueryBuilderProductRead {
  private readonly sqlText = new SqlTextCache();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tags: TagsRepository,
  ) {}

  findById(id: number): Promise<Product | null> {
    return this.findOneWithCategory('product.id = :id', { id });
  }

  findBySku(sku: string): Promise<Product | null> {
    return this.findOneWithCategory('product.sku = :sku', { sku });
  }

  findBySlug(slug: string): Promise<Product | null> {
    return this.findOneWithCategory('product.slug = :slug', { slug });
  }

  private async findOneWithCategory(condition: string, parameters: Record<string, unknown>): Promise<Product | null> {
    const query = this.dataSource
      .getRepository(Product)
      .createQueryBuilder('product')
      .leftJoinAndSelect('product.category', 'category')
      .where(condition, parameters);
    const product = await this.sqlText.reuse(condition, query).getOne();
    if (product) product.tags = (await this.tags.tagsOfProducts([product.id])).get(product.id) ?? [];
    return product;
  }
}
