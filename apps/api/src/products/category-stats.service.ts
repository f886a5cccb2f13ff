import { Injectable } from '@nestjs/common';
import { centsToDecimalString } from '@app/common';
import { CategoryStatsRepository } from './category-stats.repository.js';
import type { CategoryStatsDto } from './dto/category-stats.dto.js';

@Injectable()
export class CategoryStatsService {
  constructor(private readonly rows: CategoryStatsRepository) {}

  async stats(): Promise<CategoryStatsDto[]> {
    const rows = await this.rows.stats();
    const money = (cents: number | null) => (cents === null ? null : centsToDecimalString(cents));
    return rows.map((row) => ({
      categoryId: row.categoryId,
      name: row.name,
      productCount: row.productCount,
      // Integer division of integer cents, rounded half up: no float ever holds a price.
      avgPrice:
        row.productCount > 0 && row.sumCents !== null ? money(Math.round(row.sumCents / row.productCount)) : null,
      minPrice: money(row.minCents),
      maxPrice: money(row.maxCents),
    }));
  }
}
