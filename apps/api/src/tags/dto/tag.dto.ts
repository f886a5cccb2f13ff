import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsString, Length, Min } from 'class-validator';
import { SlugField } from '../../categories/dto/category-fields.js';
import type { Tag } from '../tag.entity.js';

/** How many tags one product may carry (a PUT sends them all at once). */
export const MAX_TAGS_PER_PRODUCT = 50;

export class CreateTagDto {
  @ApiProperty({ example: 'Summer Sale', minLength: 1, maxLength: 100 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  name: string;

  @SlugField(120) slug?: string;
}

export class SetProductTagsDto {
  @ApiProperty({
    type: [Number],
    example: [1, 2],
    maxItems: MAX_TAGS_PER_PRODUCT,
    description: "The product's whole tag set (replaces the current one; [] clears it). Repeated ids count once.",
  })
  @IsArray()
  @ArrayMaxSize(MAX_TAGS_PER_PRODUCT)
  @IsInt({ each: true })
  @Min(1, { each: true })
  tagIds: number[];
}

/** A tag as products carry it. */
export class TagSummaryDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'Summer Sale' }) name: string;
  @ApiProperty({ example: 'summer-sale' }) slug: string;
}

export class TagResponseDto extends TagSummaryDto {
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
}

export function toTagResponse(tag: Tag): TagResponseDto {
  return { id: tag.id, name: tag.name, slug: tag.slug, createdAt: tag.createdAt.toISOString() };
}
