// The decorator
export { template, type TemplateInit } from "./template";

// Ready engines
export { nunjucks, type NunjucksEngine } from "./nunjucks";
export { pug, type PugOptions } from "./pug";

// Template names
export { viewName, viewPath } from "./view-name";
