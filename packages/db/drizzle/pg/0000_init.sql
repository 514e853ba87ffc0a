CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"at" bigint NOT NULL,
	"user_id" text,
	"session_id" text,
	"ip" text,
	"user_agent" text,
	"count" integer DEFAULT 1 NOT NULL,
	"first_at" bigint
);
--> statement-breakpoint
CREATE TABLE "dpop_proofs" (
	"jti_hash" text PRIMARY KEY NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "key_ring" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"sealed" text NOT NULL,
	CONSTRAINT "key_ring_one_row" CHECK ("key_ring"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "session_revocations" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"revoked_at" bigint NOT NULL,
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_used_at" bigint NOT NULL,
	"idle_expires_at" bigint NOT NULL,
	"absolute_expires_at" bigint NOT NULL,
	"revoked_at" bigint,
	"revoke_reason" text,
	"user_agent" text,
	"ip" text,
	"dpop_jkt" text,
	"refresh_hash" text,
	"parent_hash" text,
	"rotated_at" bigint,
	"parent_seal" text,
	"rotated_by" text
);
--> statement-breakpoint
CREATE TABLE "throttle_counters" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"window_started_at" bigint NOT NULL,
	"last_failure_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text,
	"role" text DEFAULT 'user' NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"disabled_at" bigint,
	"credential_version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_user_id_at_idx" ON "audit_events" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "audit_events_user_id_id_idx" ON "audit_events" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "dpop_proofs_expires_at_idx" ON "dpop_proofs" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "session_revocations_xid_idx" ON "session_revocations" USING btree ("xid");--> statement-breakpoint
CREATE INDEX "sessions_user_id_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_idle_expires_at_idx" ON "sessions" USING btree ("idle_expires_at");--> statement-breakpoint
CREATE INDEX "sessions_sealed_rotated_at_idx" ON "sessions" USING btree ("rotated_at") WHERE "sessions"."parent_seal" IS NOT NULL;