/**
 * Demo data: categories (Electronics, Clothing, Books, Home & Garden, each with children),
 * products, customers and orders. Re-runnable: categories are reused, everything else is added
 * with names unique to the run.
 *
 *   npm run seed -- [--products 200] [--customers 20] [--orders 100] [--migrate]
 *
 * Honours DATABASE_URL (default: the SQLite file under ./data). On SQLite the migrations run first;
 * on MySQL/MariaDB they run with --migrate, otherwise pending migrations stop the seed.
 * Large runs (10 000+ products) show a progress bar.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { SingleBar, Presets } from 'cli-progress';
import { DataSource, In, type EntityManager } from 'typeorm';
import { buildDataSourceOptions, DEFAULT_DATABASE_URL, insertRows, parseDatabaseUrl } from '@app/database';
import { Category } from '../apps/api/src/categories/category.entity.js';
import { slugify } from '../apps/api/src/categories/slug.js';
import { ENTITIES } from '../apps/api/src/database/entities.js';
// The leaf file, not @app/inference: the seed has no use for TF.js.
// Seeded, so a run's data is reproducible apart from its run id.
import { mulberry32 as random } from '../libs/inference/src/seeded-random.js';
import { OrderItem } from '../apps/api/src/orders/order-item.entity.js';
import { Order } from '../apps/api/src/orders/order.entity.js';
import { newOrderNumber } from '../apps/api/src/orders/orders.service.js';
import { Product } from '../apps/api/src/products/product.entity.js';
import { User } from '../apps/api/src/users/user.entity.js';
import { MIGRATIONS } from '../migrations/index.js';

/** The accounts made, so they can sign in (Swagger's Authorize, POST /api/v1/auth/token). */
const LISTED_ACCOUNTS = 20;
function printAccounts(rows: Partial<User>[], created: number): void {
  console.log(`customers: ${created}, each with the password Customer123:`);
  for (const row of rows.slice(0, LISTED_ACCOUNTS)) console.log(`  ${row.username} (${row.email})`);
  if (rows.length > LISTED_ACCOUNTS)
    console.log(`  ... and ${rows.length - LISTED_ACCOUNTS} more, numbered on to ${rows.at(-1)!.username}`);
}

const TREE: Record<string, string[]> = {
  Electronics: ['Phones', 'Laptops', 'Audio'],
  Clothing: ['Men', 'Women', 'Kids'],
  Books: ['Fiction', 'Non-fiction', 'Comics'],
  'Home & Garden': ['Kitchen', 'Furniture', 'Garden'],
};
const ADJECTIVES = ['Classic', 'Smart', 'Compact', 'Premium', 'Eco', 'Pro', 'Ultra', 'Vintage', 'Portable', 'Deluxe'];
const NOUNS: Record<string, string[]> = {
  Phones: ['Phone', 'Charger', 'Case'],
  Laptops: ['Laptop', 'Dock', 'Sleeve'],
  Audio: ['Headphones', 'Speaker', 'Earbuds'],
  Men: ['Shirt', 'Jacket', 'Jeans'],
  Women: ['Dress', 'Blouse', 'Coat'],
  Kids: ['Hoodie', 'Sneakers', 'Cap'],
  Fiction: ['Novel', 'Anthology', 'Thriller'],
  'Non-fiction': ['Biography', 'Guide', 'Atlas'],
  Comics: ['Comic', 'Graphic Novel', 'Manga'],
  Kitchen: ['Pan', 'Knife', 'Kettle'],
  Furniture: ['Chair', 'Desk', 'Shelf'],
  Garden: ['Hose', 'Planter', 'Shovel'],
};
const BATCH = 1000;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number`);
  return value;
}

function progress(label: string, total: number): { tick(count: number): void; stop(): void } {
  if (total < 10_000 || (!process.stdout.isTTY && !process.env.SEED_PROGRESS)) {
    return { tick: () => undefined, stop: () => console.log(`${label}: ${total}`) };
  }
  const bar = new SingleBar(
    { format: `${label.padEnd(10)} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left` },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { tick: (count) => bar.increment(count), stop: () => bar.stop() };
}

async function seedCategories(manager: EntityManager): Promise<Category[]> {
  const repository = manager.getRepository(Category);
  const children: Category[] = [];
  for (const [parentName, childNames] of Object.entries(TREE)) {
    const parent =
      (await repository.findOneBy({ slug: slugify(parentName) })) ??
      (await repository.save(
        repository.create({
          name: parentName,
          slug: slugify(parentName),
          description: `All of ${parentName}`,
          parentId: null,
        }),
      ));
    for (const name of childNames) {
      const slug = slugify(`${parentName} ${name}`);
      children.push(
        (await repository.findOneBy({ slug })) ??
          (await repository.save(
            repository.create({ name: `${parentName}: ${name}`, slug, description: null, parentId: parent.id }),
          )),
      );
    }
  }
  return children;
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const counts = {
    products: argument('products', 200),
    customers: argument('customers', 20),
    orders: argument('orders', 100),
  };
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const engine = parseDatabaseUrl(url).engine;
  const dataSource = await new DataSource(
    buildDataSourceOptions({ url, entities: ENTITIES, migrations: MIGRATIONS }),
  ).initialize();
  try {
    if (engine === 'sqlite' || process.argv.includes('--migrate')) {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length) console.log(`migrations applied: ${applied.map((migration) => migration.name).join(', ')}`);
    } else if (await dataSource.showMigrations()) {
      throw new Error('Pending migrations: run `npm run migration:run` first (or pass --migrate)');
    }
    const run = Date.now().toString(36).toUpperCase();
    const next = random(42);
    const started = performance.now();

    const categories = await seedCategories(dataSource.manager);
    console.log(`categories: ${Object.keys(TREE).length} top-level, ${categories.length} children`);

    const productBar = progress('products', counts.products);
    for (let start = 0; start < counts.products; start += BATCH) {
      const rows: Partial<Product>[] = [];
      for (let index = start; index < Math.min(start + BATCH, counts.products); index += 1) {
        const category = categories[index % categories.length];
        const noun = NOUNS[category.name.split(': ')[1]]?.[index % 3] ?? 'Item';
        const name = `${ADJECTIVES[Math.floor(next() * ADJECTIVES.length)]} ${noun} ${run}-${index + 1}`;
        rows.push({
          name,
          slug: slugify(name, 200),
          description: `A ${noun.toLowerCase()} for the demo store`,
          price: 199 + Math.floor(next() * 99_800),
          sku: `SEED-${run}-${index + 1}`,
          stockQuantity: Math.floor(next() * 500),
          isActive: next() > 0.05,
          categoryId: category.id,
        });
      }
      await dataSource.transaction((manager) => insertRows(manager, Product, rows, 500));
      productBar.tick(rows.length);
    }
    productBar.stop();

    const passwordHash = await bcrypt.hash('Customer123', 10);
    const customerRows: Partial<User>[] = Array.from({ length: counts.customers }, (_, index) => ({
      username: `customer_${run}_${index + 1}`.toLowerCase(),
      email: `customer.${run}.${index + 1}@demo.test`.toLowerCase(),
      passwordHash,
      fullName: `Demo Customer ${index + 1}`,
      role: 'customer',
      isActive: true,
    }));
    await dataSource.transaction((manager) => insertRows(manager, User, customerRows));
    const customers = await dataSource
      .getRepository(User)
      .find({ select: { id: true }, where: { username: In(customerRows.map((row) => row.username!)) } });
    printAccounts(customerRows, customers.length);

    const products = await dataSource.getRepository(Product).find({
      select: { id: true, name: true, price: true, stockQuantity: true },
      where: {
        sku: In(Array.from({ length: Math.min(counts.products, 500) }, (_, index) => `SEED-${run}-${index + 1}`)),
        isActive: true,
      },
    });
    const orderBar = progress('orders', counts.orders);
    let placed = 0;
    for (let index = 0; index < counts.orders && customers.length && products.length; index += 1) {
      const lines = new Map<number, number>();
      for (let line = 0; line < 1 + Math.floor(next() * 3); line += 1) {
        const product = products[Math.floor(next() * products.length)];
        if (product.stockQuantity > (lines.get(product.id) ?? 0))
          lines.set(product.id, (lines.get(product.id) ?? 0) + 1);
      }
      if (lines.size === 0) continue;
      await dataSource.transaction(async (manager) => {
        const items: Partial<OrderItem>[] = [];
        let total = 0;
        for (const [productId, quantity] of [...lines].sort(([a], [b]) => a - b)) {
          const product = products.find((entry) => entry.id === productId)!;
          await manager
            .createQueryBuilder()
            .update(Product)
            .set({ stockQuantity: () => 'stockQuantity - :quantity' })
            .where('id = :productId', { productId, quantity })
            .execute();
          product.stockQuantity -= quantity;
          items.push({
            productId,
            productName: product.name,
            quantity,
            unitPrice: product.price,
            totalPrice: product.price * quantity,
          });
          total += product.price * quantity;
        }
        const status = (['pending', 'confirmed', 'shipped', 'delivered'] as const)[Math.floor(next() * 4)];
        const order = await manager.getRepository(Order).save(
          manager.create(Order, {
            orderNumber: newOrderNumber(),
            status,
            totalAmount: total,
            userId: customers[index % customers.length].id,
            shippingAddress: `${index + 1} Demo Street`,
          }),
        );
        await manager
          .getRepository(OrderItem)
          .save(items.map((item) => manager.create(OrderItem, { ...item, orderId: order.id })));
      });
      placed += 1;
      orderBar.tick(1);
    }
    orderBar.stop();
    console.log(`seeded in ${Math.round(performance.now() - started)} ms on ${engine} (${placed} orders placed)`);
  } finally {
    await dataSource.destroy();
  }
}

await main().catch((error: unknown) => {
  console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
