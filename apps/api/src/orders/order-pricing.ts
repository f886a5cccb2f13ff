import { BadRequestError, centsToDecimalString } from '@app/common';
import type { ReservedProduct } from '../products/products.service.js';
import type { NewOrderItem } from './orders.repository.js';

/** DECIMAL(10,2) holds at most 99 999 999.99. */
const MAX_TOTAL_CENTS = 9_999_999_999;

export interface PricedLines {
  items: NewOrderItem[];
  /** Integer cents. */
  totalAmount: number;
}

/**
 * The order's items and total from its lines and the products' names and prices (every line's
 * product must be in `products`). 400 when the total does not fit the column.
 */
export function priceLines(
  lines: readonly { productId: number; quantity: number }[],
  products: Map<number, ReservedProduct>,
): PricedLines {
  let totalAmount = 0;
  const items = lines.map((line) => {
    const product = products.get(line.productId)!;
    const totalPrice = product.price * line.quantity;
    totalAmount += totalPrice;
    return {
      productId: product.id,
      productName: product.name,
      quantity: line.quantity,
      unitPrice: product.price,
      totalPrice,
    };
  });
  if (totalAmount > MAX_TOTAL_CENTS)
    throw new BadRequestError(
      'ORDER_TOTAL_TOO_LARGE',
      `The order total ${centsToDecimalString(totalAmount)} exceeds ` +
        `the maximum of ${centsToDecimalString(MAX_TOTAL_CENTS)}`,
    );
  return { items, totalAmount };
}
