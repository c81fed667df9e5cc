// What a region and the aggregate both report: money formatting and order-value statistics, defined once.

/** `1234.5` → `$1,234.50`. */
export const money = (n) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Rounds to whole cents. */
export const cents = (n) => Math.round(n * 100) / 100;

/** Revenue and min/mean/max order value of `records` orders (zeros when there are none). */
export function orderStats({ records, revenue, min, max }) {
  return { records, revenue: cents(revenue), minOrder: records ? min : 0, meanOrder: records ? revenue / records : 0, maxOrder: records ? max : 0 };
}

/** `revenue $…, order min/mean/max $…/$…/$…`. */
export function orderSummary(stats) {
  return `revenue ${money(stats.revenue)}, order min/mean/max ${money(stats.minOrder)}/${money(stats.meanOrder)}/${money(stats.maxOrder)}`;
}
