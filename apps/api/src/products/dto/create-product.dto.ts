import { DescriptionField, OptionalIdField, SlugField } from '../../categories/dto/category-fields.js';
import { ActiveField, PriceField, ProductNameField, SkuField, StockField } from './product-fields.js';

export class CreateProductDto {
  @ProductNameField() name: string;
  @SlugField(220) slug?: string;
  @DescriptionField() description?: string;
  /** Cents after validation. */
  @PriceField() price: number;
  @SkuField() sku: string;
  @StockField() stockQuantity?: number;
  @ActiveField() isActive?: boolean;
  @OptionalIdField('The category; none for an uncategorised product') categoryId?: number | null;
}
