// The realistic scenario by hand for the Bun servers written by hand (by-hand.mjs): the same
// checks as raw.js's, helmet's headers as [name, value] pairs, and the answer.
const { SECRET, answer } = require("../realistic/order");

const HELMET = [
  [
    "Content-Security-Policy",
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  ],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
];

const text = (v, min, max) => typeof v === "string" && v.length >= min && v.length <= max;
const int = (v, min, max) => Number.isInteger(v) && v >= min && v <= max;
const ZIP = /^[0-9]{5}$/;
const COUNTRY = /^[A-Z]{2}$/;
const SKU = /^[A-Z0-9-]{1,20}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const CURRENCIES = new Set(["EUR", "USD", "GBP"]);
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** The order's 10 rules. */
function validOrder(o) {
  if (!isObject(o)) return false;
  const c = o.customer;
  const a = o.address;
  return (
    text(o.title, 1, 100) &&
    text(o.description, 0, 2000) &&
    int(o.quantity, 1, 100) &&
    typeof o.price === "number" &&
    o.price >= 0 &&
    o.price <= 100000 &&
    CURRENCIES.has(o.currency) &&
    Array.isArray(o.tags) &&
    o.tags.length <= 10 &&
    o.tags.every((t) => text(t, 1, 20)) &&
    typeof o.gift === "boolean" &&
    isObject(c) &&
    text(c.name, 1, 100) &&
    text(c.email, 3, 200) &&
    EMAIL.test(c.email) &&
    isObject(a) &&
    text(a.street, 1, 200) &&
    text(a.city, 1, 100) &&
    typeof a.zip === "string" &&
    ZIP.test(a.zip) &&
    typeof a.country === "string" &&
    COUNTRY.test(a.country) &&
    Array.isArray(o.items) &&
    o.items.length >= 1 &&
    o.items.length <= 20 &&
    o.items.every((i) => isObject(i) && typeof i.sku === "string" && SKU.test(i.sku) && int(i.qty, 1, 99))
  );
}

module.exports = { HELMET, SECRET, answer, validOrder };
