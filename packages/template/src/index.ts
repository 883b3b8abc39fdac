// The decorator
export { template, type TemplateInit } from "./template";

// Template names
export { viewName, viewPath } from "./view-name";
