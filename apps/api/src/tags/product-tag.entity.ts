import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Product } from '../products/product.entity.js';
import { Tag } from './tag.entity.js';

/**
 * The association table: one row per (product, tag), the pair its primary key. Deleting either
 * side deletes its rows (ON DELETE CASCADE), so no tag or product leaves links behind. The key
 * starts with productId (a product's tags); tagId has its own index (a tag's products, the filter).
 */
@Entity({ name: 'product_tags' })
@Index('IDX_product_tags_tagId', ['tagId'])
export class ProductTag {
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_product_tags' })
  productId: number;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_product_tags' })
  tagId: number;

  // Named, not imported: products depend on tags (TagsRepository), so tags must not load products.
  @ManyToOne('Product', { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'productId', foreignKeyConstraintName: 'FK_product_tags_productId' })
  product?: Product;

  @ManyToOne(() => Tag, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tagId', foreignKeyConstraintName: 'FK_product_tags_tagId' })
  tag?: Tag;
}
