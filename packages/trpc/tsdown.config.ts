import { publicPackage } from "../../tsdown.shared.ts";

export default publicPackage({
  index: "src/index.ts",
  "keys/index": "src/keys/index.ts",
  "mail/index": "src/mail/index.ts",
});
