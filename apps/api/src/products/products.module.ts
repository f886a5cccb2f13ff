import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CategoriesModule } from '../categories/categories.module.js';
import { TagsModule } from '../tags/tags.module.js';
import { CategoryProductsController } from './category-products.controller.js';
import { CategoryStatsRepository } from './category-stats.repository.js';
import { CategoryStatsService } from './category-stats.service.js';
import { ProductBulkService } from './product-bulk.service.js';
import { ProductReadRepository } from './product-read.repository.js';
import { ProductTagsService } from './product-tags.service.js';
import { Product } from './product.entity.js';
import { ProductsController } from './products.controller.js';
import { ProductsRepository } from './products.repository.js';
import { ProductsService } from './products.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Product]), CategoriesModule, TagsModule],
  controllers: [ProductsController, CategoryProductsController],
  providers: [
    ProductsService,
    ProductsRepository,
    ProductReadRepository,
    ProductTagsService,
    ProductBulkService,
    CategoryStatsService,
    CategoryStatsRepository,
  ],
  exports: [ProductsService],
})
export class ProductsModule {}
