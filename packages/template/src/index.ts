// The decorator and the plugin
export { template, type TemplateInit } from "./template";
export { templates, type ResponseView } from "./template-plugin";
export { renderView, type ViewEngine } from "./view-engine";

// Template names
export { viewName, viewPath } from "./view-name";
