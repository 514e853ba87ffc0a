import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const TOOL = fileURLToPath(new URL("./pyjwt_tool.py", import.meta.url));

/**
 * The first Python that has PyJWT and cryptography: PYTHON if set, else
 * `python3` on the PATH, else Debian's /usr/bin/python3 (where `apt-get install
 * python3-jwt python3-cryptography` puts them even when another python3, such
 * as pyenv's, comes first on the PATH). Missing libraries fail the test: the
 * interop claim must not pass silently.
 */
function findPython(): string {
  const candidates = [process.env.PYTHON, "python3", "/usr/bin/python3"].filter(
    (candidate): candidate is string => Boolean(candidate),
  );
  for (const python of candidates) {
    try {
      execFileSync(python, ["-c", "import jwt, cryptography"], { stdio: "ignore" });
      return python;
    } catch {}
  }
  throw new Error(
    "No Python with PyJWT found: apt-get install -y python3-jwt python3-cryptography (npm test does this).",
  );
}

let python: string | undefined;

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  python ??= findPython();
  const interpreter = python;
  return new Promise((resolve, reject) => {
    execFile(interpreter, [TOOL, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(error);
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

export interface PyJwtVerified {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/**
 * Verifies a token with PyJWT against the issuer's published keys (discovered
 * from its openid-configuration), through `PyJWKClient` or `jwt.PyJWK`.
 * Resolves the decoded header and claims, or `{ error }` with PyJWT's error.
 */
export async function pyjwtVerify(
  issuer: string,
  audience: string,
  alg: string,
  token: string,
  via: "client" | "jwk" = "client",
): Promise<PyJwtVerified | { error: string }> {
  const { code, stdout, stderr } = await run(["verify", issuer, audience, alg, via, token]);
  if (code === 3) return { error: stderr.trim() };
  if (code !== 0) throw new Error(`pyjwt_tool failed (${code}): ${stderr}`);
  return JSON.parse(stdout) as PyJwtVerified;
}

/** A token PyJWT signs with a fresh key of `alg` that no Sesame server has, naming `kid`. */
export async function pyjwtSignForeign(
  alg: string,
  kid: string,
  claims: Record<string, unknown>,
): Promise<string> {
  const { code, stdout, stderr } = await run(["sign", alg, kid, JSON.stringify(claims)]);
  if (code !== 0) throw new Error(`pyjwt_tool failed (${code}): ${stderr}`);
  return stdout.trim();
}
