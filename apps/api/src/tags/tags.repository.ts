import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
import { pageOffset, type PageQueryDto } from '@app/common';
import type { TagSummaryDto } from './dto/tag.dto.js';
import { ProductTag } from './product-tag.entity.js';
import { Tag } from './tag.entity.js';

/** The tags and product_tags tables' queries. */
@Injectable()
export class TagsRepository {
  /** Called after any change to which products carry which tags (the product lists cache them). */
  private readonly linkListeners: (() => void)[] = [];

  constructor(@InjectRepository(Tag) private readonly tags: Repository<Tag>) {}

  onLinksChanged(listener: () => void): void {
    this.linkListeners.push(listener);
  }

  linksChanged(): void {
    for (const listener of this.linkListeners) listener();
  }

  findById(id: number): Promise<Tag | null> {
    return this.tags.findOneBy({ id });
  }

  list(page: PageQueryDto): Promise<[Tag[], number]> {
    const { skip, take } = pageOffset(page);
    return this.tags.findAndCount({ order: { name: 'ASC', id: 'ASC' }, skip, take });
  }

  /** Tags with this name (any case, the same on both engines) or slug. */
  findHoldersOf(name: string, slug: string): Promise<Tag[]> {
    return this.tags
      .createQueryBuilder('tag')
      .where('LOWER(tag.name) = LOWER(:name) OR tag.slug = :slug', { name, slug })
      .getMany();
  }

  insert(name: string, slug: string): Promise<Tag> {
    return this.tags.save(this.tags.create({ name, slug }));
  }

  /** Deletes the tag; its product_tags rows go with it (ON DELETE CASCADE). True when it existed. */
  async delete(id: number): Promise<boolean> {
    const result = await this.tags.delete({ id });
    this.linksChanged();
    return (result.affected ?? 0) > 0;
  }

  /** The ids among `ids` that are tags, read in the caller's transaction. */
  async existingIds(manager: EntityManager, ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await manager.getRepository(Tag).find({ select: { id: true }, where: { id: In(ids) } });
    return new Set(rows.map((row) => row.id));
  }

  /** Replaces the product's links with `tagIds`, in the caller's transaction. */
  async replaceLinks(manager: EntityManager, productId: number, tagIds: number[]): Promise<void> {
    await manager.getRepository(ProductTag).delete({ productId });
    if (tagIds.length > 0)
      await manager.getRepository(ProductTag).insert(tagIds.map((tagId) => ({ productId, tagId })));
    this.linksChanged();
  }

  /** The tags of all these products in one IN query, each product's sorted by name. */
  async tagsOfProducts(
    productIds: number[],
    manager: EntityManager = this.tags.manager,
  ): Promise<Map<number, TagSummaryDto[]>> {
    const byProduct = new Map<number, TagSummaryDto[]>(productIds.map((id) => [id, []]));
    if (productIds.length === 0) return byProduct;
    const rows = await manager
      .getRepository(ProductTag)
      .createQueryBuilder('link')
      .innerJoin(Tag, 'tag', 'tag.id = link.tagId')
      .select(['link.productId AS productId', 'tag.id AS id', 'tag.name AS name', 'tag.slug AS slug'])
      .where('link.productId IN (:...productIds)', { productIds })
      .orderBy('tag.name', 'ASC')
      .addOrderBy('tag.id', 'ASC')
      .getRawMany<{ productId: number | string; id: number | string; name: string; slug: string }>();
    for (const row of rows)
      byProduct.get(Number(row.productId))?.push({ id: Number(row.id), name: row.name, slug: row.slug });
    return byProduct;
  }
}
