/**
 * Whether this run was given a PostgreSQL cluster (SESAME_TEST_PG_URL): always under `npm test`,
 * and in any process once freshPostgresDatabase started one for it. Tests need not check it:
 * without one, freshPostgresDatabase starts one.
 */
export function postgresAvailable(): boolean {
  return Boolean(process.env.SESAME_TEST_PG_URL);
}
