import { defaultDataDir } from "@sesame/db";
import { generatedFiles } from "@sesame/trpc/keys";
import type { Env } from "../env.ts";

/*
 * The files a server started with this environment uses, by the rule
 * `createSesame` applies: the variable when set, else its generated file
 * beside the database. The commands read and write the very files the server does.
 */

const generated = (env: Env) => generatedFiles(defaultDataDir(env.DATABASE_URL));

export function signingKeysFile(env: Env): string {
  return env.SIGNING_KEYS_FILE ?? generated(env).signingKeys;
}

export function keyEncryptionSecretFile(env: Env): string {
  return env.KEY_ENCRYPTION_SECRET_FILE ?? generated(env).keyEncryptionSecret;
}

export function serverSecretFile(env: Env): string {
  return env.SERVER_SECRET_FILE ?? generated(env).serverSecret;
}
