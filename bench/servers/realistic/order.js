// The realistic scenario's rules, shared by the JavaScript servers: the order body's 10
// fields as a JSON Schema (Fastify compiles it with Ajv) and as a zod schema (Hono, Koa,
// Express), and the answer every server gives. Aex and NestJS write the same rules their
// own way (bench/src/aex-server.ts, bench/decorated/order-dto.mts).
const { z } = require("zod");

/** Session cookies are signed with this secret everywhere (Fastify's session wants 32+ characters). */
const SECRET = "bench-session-secret-0123456789abcdef";

const text = (minLength, maxLength) => ({ type: "string", minLength, maxLength });
const orderJsonSchema = {
  type: "object",
  required: ["title", "description", "quantity", "price", "currency", "tags", "gift", "customer", "address", "items"],
  properties: {
    title: text(1, 100),
    description: text(0, 2000),
    quantity: { type: "integer", minimum: 1, maximum: 100 },
    price: { type: "number", minimum: 0, maximum: 100000 },
    currency: { enum: ["EUR", "USD", "GBP"] },
    tags: { type: "array", maxItems: 10, items: text(1, 20) },
    gift: { type: "boolean" },
    customer: {
      type: "object",
      required: ["name", "email"],
      properties: { name: text(1, 100), email: { type: "string", format: "email", maxLength: 200 } },
    },
    address: {
      type: "object",
      required: ["street", "city", "zip", "country"],
      properties: {
        street: text(1, 200),
        city: text(1, 100),
        zip: { type: "string", pattern: "^[0-9]{5}$" },
        country: { type: "string", pattern: "^[A-Z]{2}$" },
      },
    },
    items: {
      type: "array",
      minItems: 1,
      maxItems: 20,
      items: {
        type: "object",
        required: ["sku", "qty"],
        properties: {
          sku: { type: "string", pattern: "^[A-Z0-9-]{1,20}$" },
          qty: { type: "integer", minimum: 1, maximum: 99 },
        },
      },
    },
  },
};

const OrderSchema = z.object({
  title: z.string().min(1).max(100),
  description: z.string().max(2000),
  quantity: z.number().int().min(1).max(100),
  price: z.number().min(0).max(100000),
  currency: z.enum(["EUR", "USD", "GBP"]),
  tags: z.array(z.string().min(1).max(20)).max(10),
  gift: z.boolean(),
  customer: z.object({ name: z.string().min(1).max(100), email: z.email().max(200) }),
  address: z.object({
    street: z.string().min(1).max(200),
    city: z.string().min(1).max(100),
    zip: z.string().regex(/^[0-9]{5}$/),
    country: z.string().regex(/^[A-Z]{2}$/),
  }),
  items: z
    .array(z.object({ sku: z.string().regex(/^[A-Z0-9-]{1,20}$/), qty: z.number().int().min(1).max(99) }))
    .min(1)
    .max(20),
});

/** The answer to a valid order from `user`. */
const answer = (user, order) => ({
  user,
  title: order.title,
  total: order.quantity * order.price,
  lines: order.items.length,
});

/** helmet's Content-Security-Policy, for Hono's secureHeaders (which sends none by default). */
const helmetCsp = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  fontSrc: ["'self'", "https:", "data:"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
  imgSrc: ["'self'", "data:"],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "https:", "'unsafe-inline'"],
  upgradeInsecureRequests: [],
};

module.exports = { SECRET, orderJsonSchema, OrderSchema, answer, helmetCsp };
