import { publicPackage } from "../../tsdown.shared.ts";

// Neutral: the contracts run in browsers and on servers alike.
export default publicPackage({ index: "src/index.ts" }, "neutral");
