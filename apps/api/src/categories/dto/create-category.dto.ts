import { CategoryNameField, DescriptionField, OptionalIdField, SlugField } from './category-fields.js';

export class CreateCategoryDto {
  @CategoryNameField() name: string;
  @SlugField(120) slug?: string;
  @DescriptionField() description?: string;
  @OptionalIdField('The parent category; none for a top-level category') parentId?: number | null;
}
