/** The 2 KB JSON the operations bench answers on `/big` (ops-app.ts; checked by scenarios.ts). */
export const report = {
  items: Array.from({ length: 30 }, (_, i) => ({ id: i, name: `item number ${i}`, tags: ["alpha", "beta"] })),
};
