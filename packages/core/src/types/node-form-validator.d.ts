// node-form-validator ships no types; this is the part Aex calls.
declare module "node-form-validator" {
  interface ValidationResult {
    /** 0 when valid, -1 when not. */
    code: number;
    message?: string;
    /** The failing field. */
    key?: string;
    /** The extracted data. */
    data?: Record<string, unknown>;
  }
  const validator: {
    /** `false` when no field of the rules is in the data. */
    validate(data: Record<string, unknown>, rules: Record<string, unknown>): ValidationResult | false;
  };
  export default validator;
}
