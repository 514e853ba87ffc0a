#!/usr/bin/env python3
"""Checks Sesame tokens with code nobody on the project wrote: PyJWT (Debian
python3-jwt) on python3-cryptography. Used by the interoperability tests.

  verify ISSUER AUDIENCE ALG client|jwk TOKEN
      Discovers jwks_uri from ISSUER's openid-configuration, takes the key for
      the token's kid either through PyJWKClient or by building jwt.PyJWK from
      the fetched JWK Set, and decodes with PyJWT's own checks. Prints
      {"header", "claims"} as JSON; exits 3 with the PyJWT error otherwise.
  sign ALG KID CLAIMS_JSON
      Signs CLAIMS_JSON with a freshly generated key of ALG that Sesame has
      never seen, header {"kid": KID, "typ": "at+jwt"}. Prints the token.
"""

import json
import sys
import urllib.request

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

REQUIRED = ["exp", "iat", "iss", "aud", "sub", "sid", "jti"]


def fetch_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def verify(issuer, audience, alg, via, token):
    header = jwt.get_unverified_header(token)
    metadata = fetch_json(issuer + "/.well-known/openid-configuration")
    if metadata["issuer"] != issuer:
        raise ValueError("issuer mismatch in metadata")
    jwks_uri = metadata["jwks_uri"]
    if via == "client":
        key = jwt.PyJWKClient(jwks_uri).get_signing_key_from_jwt(token).key
    else:
        keys = [k for k in fetch_json(jwks_uri)["keys"] if k.get("kid") == header.get("kid")]
        if len(keys) != 1:
            raise ValueError("no key for kid")
        key = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(
        token,
        key,
        algorithms=[alg],
        audience=audience,
        issuer=issuer,
        leeway=30,
        options={"require": REQUIRED},
    )
    return {"header": header, "claims": claims}


def new_key(alg):
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError("unsupported alg " + alg)


def sign(alg, kid, claims_json):
    claims = json.loads(claims_json)
    return jwt.encode(claims, new_key(alg), algorithm=alg, headers={"kid": kid, "typ": "at+jwt"})


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "verify":
        try:
            print(json.dumps(verify(*args)))
        except (jwt.PyJWTError, ValueError) as error:
            print(type(error).__name__ + ": " + str(error), file=sys.stderr)
            return 3
    elif command == "sign":
        print(sign(*args))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
