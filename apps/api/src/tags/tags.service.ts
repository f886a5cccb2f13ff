import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, toPage, ValidationFailedError, type Page, type PageQueryDto } from '@app/common';
import { slugify } from '../categories/slug.js';
import { toTagResponse, type CreateTagDto, type TagResponseDto } from './dto/tag.dto.js';
import { TagsRepository } from './tags.repository.js';

@Injectable()
export class TagsService {
  constructor(private readonly tags: TagsRepository) {}

  async list(page: PageQueryDto): Promise<Page<TagResponseDto>> {
    const [rows, total] = await this.tags.list(page);
    return toPage(rows.map(toTagResponse), total, page);
  }

  async get(id: number): Promise<TagResponseDto> {
    const tag = await this.tags.findById(id);
    if (!tag) throw new NotFoundError('TAG_NOT_FOUND', 'Tag', id);
    return toTagResponse(tag);
  }

  /** Unique name (any case) and slug: 409 naming the one taken; the unique indexes are the last line. */
  async create(dto: CreateTagDto): Promise<TagResponseDto> {
    const slug = dto.slug ?? slugify(dto.name, 120);
    if (!slug)
      throw new ValidationFailedError(
        [{ field: 'slug', message: 'slug cannot be derived from this name; send one' }],
        undefined,
        'SLUG_NOT_DERIVABLE',
      );
    for (const holder of await this.tags.findHoldersOf(dto.name, slug)) {
      if (holder.slug === slug) throw new ConflictError('TAG_SLUG_TAKEN', `Tag slug '${slug}' is already taken`);
      throw new ConflictError('TAG_NAME_TAKEN', `A tag named '${holder.name}' already exists`);
    }
    return toTagResponse(await this.tags.insert(dto.name, slug));
  }

  /** Deletes the tag and, by cascade, its links to products. */
  async delete(id: number): Promise<void> {
    if (!(await this.tags.delete(id))) throw new NotFoundError('TAG_NOT_FOUND', 'Tag', id);
  }
}
