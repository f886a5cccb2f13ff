import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, type EntityManager, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { pageOffset, type PageQueryDto } from '@app/common';
import { updateColumns, writeLockFor } from '@app/database';
import { Category } from './category.entity.js';

/** The categories table's queries, named for what they are for. */
@Injectable()
export class CategoriesRepository {
  constructor(@InjectRepository(Category) private readonly categories: Repository<Category>) {}

  findById(id: number): Promise<Category | null> {
    return this.categories.findOneBy({ id });
  }

  async exists(id: number): Promise<boolean> {
    return (await this.categories.countBy({ id })) > 0;
  }

  list(page: PageQueryDto): Promise<[Category[], number]> {
    const { skip, take } = pageOffset(page);
    return this.categories.findAndCount({ order: { name: 'ASC', id: 'ASC' }, skip, take });
  }

  findAll(): Promise<Category[]> {
    return this.categories.find({ order: { name: 'ASC', id: 'ASC' } });
  }

  /** Categories whose name (any case) or slug is already one of these, other than `exceptId`. */
  findHoldersOf(name: string | undefined, slug: string | undefined, exceptId?: number): Promise<Category[]> {
    const query = this.categories.createQueryBuilder('category').where(
      new Brackets((where) => {
        where.where('1 = 0');
        if (name) where.orWhere('LOWER(category.name) = :name', { name: name.toLowerCase() });
        if (slug) where.orWhere('category.slug = :slug', { slug });
      }),
    );
    if (exceptId !== undefined) query.andWhere('category.id <> :exceptId', { exceptId });
    return query.getMany();
  }

  create(fields: Partial<Category>): Category {
    return this.categories.create(fields);
  }

  insert(category: Category): Promise<Category> {
    return this.categories.save(category);
  }

  /** Writes only these columns. True when the row exists. */
  updateColumns(
    id: number,
    changes: QueryDeepPartialEntity<Category>,
    manager: EntityManager = this.categories.manager,
  ): Promise<boolean> {
    return updateColumns(manager, Category, id, changes);
  }

  /**
   * Every (id, parentId) link, read under a write lock held until the caller's transaction ends
   * (in id order, so concurrent callers queue instead of deadlocking). A re-parenting checks for
   * cycles and writes under it: two moves that are each fine alone (A under B, B under A) cannot
   * both pass. Categories are few and re-parenting rare, so locking them all is cheap.
   */
  async lockHierarchy(manager: EntityManager): Promise<Map<number, number | null>> {
    const rows = await manager
      .getRepository(Category)
      .find({ select: { id: true, parentId: true }, order: { id: 'ASC' }, lock: writeLockFor(manager) });
    return new Map(rows.map((row) => [row.id, row.parentId]));
  }

  /** The foreign keys set children's parentId and products' categoryId to NULL. */
  async delete(id: number): Promise<boolean> {
    const result = await this.categories.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
