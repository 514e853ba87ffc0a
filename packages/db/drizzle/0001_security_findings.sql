CREATE TABLE `dpop_proofs` (
	`jti_hash` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dpop_proofs_expires_at_idx` ON `dpop_proofs` (`expires_at`);--> statement-breakpoint
ALTER TABLE `audit_events` ADD `count` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `first_at` integer;--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `rotated_by` text;--> statement-breakpoint
CREATE INDEX `refresh_tokens_sealed_used_at_idx` ON `refresh_tokens` (`used_at`) WHERE "refresh_tokens"."successor_sealed" IS NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `dpop_jkt` text;--> statement-breakpoint
ALTER TABLE `users` ADD `credential_version` integer DEFAULT 0 NOT NULL;