import { DescriptionField, OptionalIdField, SlugField } from '../../categories/dto/category-fields.js';
import { ActiveField, PriceField, ProductNameField, SkuField, StockField } from './product-fields.js';

/** Partial update; `categoryId: null` uncategorises the product. */
export class UpdateProductDto {
  @ProductNameField(false) name?: string;
  @SlugField(220) slug?: string;
  @DescriptionField() description?: string;
  @PriceField(false) price?: number;
  @SkuField(false) sku?: string;
  @StockField() stockQuantity?: number;
  @ActiveField() isActive?: boolean;
  @OptionalIdField('The category; null uncategorises the product') categoryId?: number | null;
}
