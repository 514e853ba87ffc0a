CREATE TABLE "session_seals" (
	"session_id" text PRIMARY KEY NOT NULL,
	"sealed_at" bigint NOT NULL,
	"seal" text NOT NULL
);
--> statement-breakpoint
DROP INDEX "audit_events_user_id_at_idx";--> statement-breakpoint
DROP INDEX "sessions_idle_expires_at_idx";--> statement-breakpoint
DROP INDEX "sessions_sealed_rotated_at_idx";--> statement-breakpoint
UPDATE "audit_events" SET "first_at" = "at" WHERE "first_at" IS NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "first_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "session_seals" ADD CONSTRAINT "session_seals_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_user_id_first_at_idx" ON "audit_events" USING btree ("user_id","first_at");--> statement-breakpoint
INSERT INTO "session_seals" ("session_id", "sealed_at", "seal") SELECT "id", "rotated_at", "parent_seal" FROM "sessions" WHERE "parent_seal" IS NOT NULL AND "rotated_at" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "parent_seal";--> statement-breakpoint
-- Hand-added (drizzle-kit keeps no storage parameters): room in every page
-- for the new version of a row updated in place. A rotation rewrites its
-- session row and a fold its audit row; with no indexed column changed and
-- free space on the page, each is a heap-only (HOT) update that adds no
-- index entry and whose dead version the next visit to the page reclaims, so
-- the tables grow with sessions, not with rotations.
ALTER TABLE "sessions" SET (fillfactor = 80);--> statement-breakpoint
ALTER TABLE "audit_events" SET (fillfactor = 90);--> statement-breakpoint
ALTER TABLE "session_seals" SET (fillfactor = 50);