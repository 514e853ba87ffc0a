import { publicPackage } from "../../tsdown.shared.ts";

export default publicPackage({
  index: "src/index.ts",
});
