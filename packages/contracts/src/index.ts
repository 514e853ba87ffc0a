/**
 * The wire contracts shared by the server and every client: input and output
 * shapes and the error codes. Safe to import in a browser.
 */
export * from "./auth-codes.ts";
export * from "./auth-error.ts";
export * from "./inputs.ts";
export * from "./outputs.ts";
export * from "./password-length.ts";
