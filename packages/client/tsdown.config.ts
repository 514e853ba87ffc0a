import { publicPackage } from "../../tsdown.shared.ts";

export default publicPackage(
  {
    index: "src/index.ts",
    "trpc/index": "src/trpc/index.ts",
    "react/index": "src/react/index.ts",
  },
  "neutral",
);
