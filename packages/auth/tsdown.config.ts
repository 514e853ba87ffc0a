import { publicPackage } from "../../tsdown.shared.ts";

export default publicPackage(
  {
    index: "src/index.ts",
  },
  "node",
  // The list of common passwords is read beside its module.
  ["src/passwords/common-passwords.txt"],
);
