import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  toPage,
  ValidationFailedError,
  type Page,
  type PageQueryDto,
} from '@app/common';
import { UnitOfWork } from '@app/database';
import { CategoriesRepository } from './categories.repository.js';
import type { Category } from './category.entity.js';
import { toCategoryResponse, type CategoryResponseDto, type CategoryTreeNodeDto } from './dto/category-response.dto.js';
import type { CreateCategoryDto } from './dto/create-category.dto.js';
import type { UpdateCategoryDto } from './dto/update-category.dto.js';
import { slugify } from './slug.js';

@Injectable()
export class CategoriesService {
  /** Told after a category changed or went (single-product answers carry their category). */
  private readonly changeListeners: (() => void)[] = [];

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly categories: CategoriesRepository,
  ) {}

  onChanged(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  async list(page: PageQueryDto): Promise<Page<CategoryResponseDto>> {
    const [rows, total] = await this.categories.list(page);
    return toPage(rows.map(toCategoryResponse), total, page);
  }

  async get(id: number): Promise<CategoryResponseDto> {
    return toCategoryResponse(await this.getRow(id));
  }

  /** 404 unless the category exists; for other modules that reference categories. */
  async assertExists(id: number): Promise<void> {
    if (!(await this.categories.exists(id))) throw new NotFoundError('CATEGORY_NOT_FOUND', 'Category', id);
  }

  /** The whole hierarchy, children sorted by name. */
  async tree(): Promise<CategoryTreeNodeDto[]> {
    const nodes = (await this.categories.findAll()).map((category): CategoryTreeNodeDto => ({
      ...toCategoryResponse(category),
      children: [],
    }));
    const byId = new Map(nodes.map((node) => [node.id, node]));
    const roots: CategoryTreeNodeDto[] = [];
    for (const node of nodes) {
      const parent = node.parentId !== null ? byId.get(node.parentId) : undefined;
      (parent ? parent.children : roots).push(node);
    }
    return roots;
  }

  async create(dto: CreateCategoryDto): Promise<CategoryResponseDto> {
    const slug = dto.slug ?? this.deriveSlug(dto.name);
    await this.refuseTaken(dto.name, slug);
    if (dto.parentId != null) await this.assertExists(dto.parentId);
    const saved = await this.categories.insert(
      this.categories.create({
        name: dto.name,
        slug,
        description: dto.description ?? null,
        parentId: dto.parentId ?? null,
      }),
    );
    return toCategoryResponse(saved);
  }

  async update(id: number, dto: UpdateCategoryDto): Promise<CategoryResponseDto> {
    const category = await this.getRow(id);
    const slug =
      dto.slug ?? (dto.name !== undefined && dto.name !== category.name ? this.deriveSlug(dto.name) : undefined);
    await this.refuseTaken(dto.name, slug, id);
    // Only the fields sent, never the row read above written back.
    const changes = Object.fromEntries(
      Object.entries({ name: dto.name, slug, description: dto.description, parentId: dto.parentId }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    const parentId = dto.parentId;
    const changed =
      parentId !== undefined && parentId !== null
        ? await this.unitOfWork.run(async (manager) => {
            refuseCycle(id, parentId, await this.categories.lockHierarchy(manager));
            return this.categories.updateColumns(id, changes, manager);
          })
        : Object.keys(changes).length === 0 || (await this.categories.updateColumns(id, changes));
    if (!changed) throw new NotFoundError('CATEGORY_NOT_FOUND', 'Category', id);
    this.announceChange();
    return toCategoryResponse(await this.getRow(id));
  }

  /** Products keep existing with categoryId = null, children become top-level (ON DELETE SET NULL). */
  async remove(id: number): Promise<void> {
    if (!(await this.categories.delete(id))) throw new NotFoundError('CATEGORY_NOT_FOUND', 'Category', id);
    this.announceChange();
  }

  private announceChange(): void {
    for (const listener of this.changeListeners) listener();
  }

  private async getRow(id: number): Promise<Category> {
    const category = await this.categories.findById(id);
    if (!category) throw new NotFoundError('CATEGORY_NOT_FOUND', 'Category', id);
    return category;
  }

  private deriveSlug(name: string): string {
    const slug = slugify(name);
    if (!slug)
      throw new ValidationFailedError(
        [{ field: 'slug', message: 'slug cannot be derived from this name; send one' }],
        undefined,
        'SLUG_NOT_DERIVABLE',
      );
    return slug;
  }

  private async refuseTaken(name: string | undefined, slug: string | undefined, exceptId?: number): Promise<void> {
    if (!name && !slug) return;
    for (const holder of await this.categories.findHoldersOf(name, slug, exceptId)) {
      if (name && holder.name.toLowerCase() === name.toLowerCase())
        throw new ConflictError('CATEGORY_NAME_TAKEN', `Category name '${name}' is already taken`);
      if (slug && holder.slug === slug)
        throw new ConflictError('CATEGORY_SLUG_TAKEN', `Category slug '${slug}' is already taken`);
    }
  }
}

/** The new parent must exist (404) and must not be the category itself or one of its descendants (400). */
function refuseCycle(id: number, parentId: number, links: Map<number, number | null>): void {
  if (parentId === id) throw new BadRequestError('CATEGORY_CYCLE', 'A category cannot be its own parent');
  if (!links.has(parentId)) throw new NotFoundError('CATEGORY_NOT_FOUND', 'Category', parentId);
  const seen = new Set<number>();
  for (let current: number | null | undefined = parentId; current != null; current = links.get(current)) {
    if (current === id)
      throw new BadRequestError(
        'CATEGORY_CYCLE',
        `Category ${parentId} is a descendant of category ${id}: a category cannot be its own ancestor`,
      );
    if (seen.has(current)) break;
    seen.add(current);
  }
}
