CREATE TABLE `dpop_proofs` (
	`jti_hash` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dpop_proofs_expires_at_idx` ON `dpop_proofs` (`expires_at`);--> statement-breakpoint
ALTER TABLE `audit_events` ADD `count` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `first_at` integer;--> statement-breakpoint
CREATE INDEX `audit_events_user_id_id_idx` ON `audit_events` (`user_id`,`id`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `dpop_jkt` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `refresh_hash` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `parent_hash` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `rotated_at` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `parent_seal` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `rotated_by` text;--> statement-breakpoint
-- Each session keeps its chain in its own row: the unused token becomes the current one, the token it replaced its parent.
UPDATE `sessions` SET `refresh_hash` = (SELECT `token_hash` FROM `refresh_tokens` WHERE `refresh_tokens`.`session_id` = `sessions`.`id` AND `used_at` IS NULL ORDER BY `issued_at` DESC LIMIT 1);--> statement-breakpoint
UPDATE `sessions` SET `parent_hash` = (SELECT `token_hash` FROM `refresh_tokens` WHERE `replaced_by_hash` = `sessions`.`refresh_hash`), `rotated_at` = (SELECT `used_at` FROM `refresh_tokens` WHERE `replaced_by_hash` = `sessions`.`refresh_hash`);--> statement-breakpoint
DROP TABLE `refresh_tokens`;--> statement-breakpoint
CREATE INDEX `sessions_sealed_rotated_at_idx` ON `sessions` (`rotated_at`) WHERE "sessions"."parent_seal" IS NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `credential_version` integer DEFAULT 0 NOT NULL;