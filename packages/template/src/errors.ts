/** The HTTP error codes `@aex/template` answers with; `docs/errors.md` lists them. */
export const TEMPLATE_ERROR_CODES = {
  AEX_TEMPLATE_FAILED: "500: res.render could not render the template (missing, broken, or outside the views folder)",
} as const;
