/**
 * Server-rendered pages for Aex: `@template`, the `templates` plugin and `res.render`
 * (engines: `@aex/template/nunjucks`, `@aex/template/pug`).
 *
 * @module @aex/template
 */
// The decorator and the plugin
export { template, type TemplateInit } from "./template";
export { templates, type ResponseView } from "./template-plugin";
export { renderView, type ViewEngine } from "./view-engine";

// Template names
export { viewName, viewPath } from "./view-name";

// Error codes
export { TEMPLATE_ERROR_CODES } from "./errors";
