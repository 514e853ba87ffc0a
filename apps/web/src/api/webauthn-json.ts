import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/browser";

/**
 * The WebAuthn options and answers are JSON made by one SimpleWebAuthn
 * library for the other, passed through tRPC unchanged. Only their types
 * differ: tRPC types the options as they serialize (byte views become plain
 * objects, in extensions this app never sets), and the contracts' loose
 * objects want index signatures the browser library's interfaces lack.
 */
export const requestOptions = (options: object): PublicKeyCredentialRequestOptionsJSON =>
  options as PublicKeyCredentialRequestOptionsJSON;

export const creationOptions = (options: object): PublicKeyCredentialCreationOptionsJSON =>
  options as PublicKeyCredentialCreationOptionsJSON;

export const authenticationInput = (answer: AuthenticationResponseJSON) => ({
  ...answer,
  response: { ...answer.response },
  clientExtensionResults: { ...answer.clientExtensionResults },
});

export const registrationInput = (answer: RegistrationResponseJSON) => ({
  ...answer,
  response: { ...answer.response },
  clientExtensionResults: { ...answer.clientExtensionResults },
});
