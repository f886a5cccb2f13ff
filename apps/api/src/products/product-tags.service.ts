import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/common';
import { UnitOfWork, writeLockFor } from '@app/database';
import { TagsRepository } from '../tags/tags.repository.js';
import type { ProductResponseDto } from './dto/product-response.dto.js';
import { Product } from './product.entity.js';
import { ProductsService } from './products.service.js';

/** Which tags a product carries. */
@Injectable()
export class ProductTagsService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly tags: TagsRepository,
    private readonly products: ProductsService,
  ) {}

  /**
   * Replaces the product's tag set in one transaction: the product row is locked first
   * (`SELECT … FOR UPDATE` on MySQL/MariaDB; the single writer on SQLite), so two concurrent sets
   * of the same product apply one after the other and the last one wins whole. A missing product
   * or any unknown tag id is 404 and changes nothing; a repeated id counts once.
   */
  async setTags(productId: number, tagIds: number[]): Promise<ProductResponseDto> {
    const wanted = [...new Set(tagIds)].sort((a, b) => a - b);
    await this.unitOfWork.run(async (manager) => {
      const product = await manager
        .getRepository(Product)
        .findOne({ select: { id: true }, where: { id: productId }, lock: writeLockFor(manager) });
      if (!product) throw new NotFoundError('PRODUCT_NOT_FOUND', 'Product', productId);
      const existing = await this.tags.existingIds(manager, wanted);
      const unknown = wanted.find((id) => !existing.has(id));
      if (unknown !== undefined) throw new NotFoundError('TAG_NOT_FOUND', 'Tag', unknown);
      await this.tags.replaceLinks(manager, productId, wanted);
    });
    // Cleared again after the commit: a list read while the transaction ran may have cached the old set.
    this.tags.linksChanged();
    return this.products.responseOf(productId);
  }
}
