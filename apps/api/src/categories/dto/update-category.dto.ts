import { CategoryNameField, DescriptionField, OptionalIdField, SlugField } from './category-fields.js';

/** Partial update; `parentId: null` makes the category top-level. */
export class UpdateCategoryDto {
  @CategoryNameField(false) name?: string;
  @SlugField(120) slug?: string;
  @DescriptionField() description?: string;
  @OptionalIdField('The new parent; null for top-level. A category cannot become its own ancestor (400)') parentId?:
    number | null;
}
