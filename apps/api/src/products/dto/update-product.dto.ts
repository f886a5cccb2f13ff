import { DescriptionField, OptionalIdField, SlugField } from '../../categories/dto/category-fields.js';
import { ActiveField, PriceField, ProductNameField, SkuField } from './product-fields.js';

/**
 * Partial update; `categoryId: null` uncategorises the product. No `stockQuantity`: stock moves only
 * through `PATCH /products/:id/stock` and orders, so an edit cannot undo a sale (the field is refused
 * as unknown).
 */
export class UpdateProductDto {
  @ProductNameField(false) name?: string;
  @SlugField(220) slug?: string;
  @DescriptionField() description?: string;
  @PriceField(false) price?: number;
  @SkuField(false) sku?: string;
  @ActiveField() isActive?: boolean;
  @OptionalIdField('The category; null uncategorises the product') categoryId?: number | null;
}
