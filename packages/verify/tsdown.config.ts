import { publicPackage } from "../../tsdown.shared.ts";

export default publicPackage({
  index: "src/index.ts",
  "hono/index": "src/hono/index.ts",
  "trpc/index": "src/trpc/index.ts",
  rules: "src/rules.ts",
});
