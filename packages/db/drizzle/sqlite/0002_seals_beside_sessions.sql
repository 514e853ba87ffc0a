CREATE TABLE `session_seals` (
	`session_id` text PRIMARY KEY NOT NULL,
	`sealed_at` integer NOT NULL,
	`seal` text NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`user_id` text,
	`session_id` text,
	`ip` text,
	`user_agent` text,
	`count` integer DEFAULT 1 NOT NULL,
	`first_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_audit_events`("id", "type", "at", "user_id", "session_id", "ip", "user_agent", "count", "first_at") SELECT "id", "type", "at", "user_id", "session_id", "ip", "user_agent", "count", coalesce("first_at", "at") FROM `audit_events`;--> statement-breakpoint
DROP TABLE `audit_events`;--> statement-breakpoint
ALTER TABLE `__new_audit_events` RENAME TO `audit_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `audit_events_user_id_first_at_idx` ON `audit_events` (`user_id`,`first_at`);--> statement-breakpoint
CREATE INDEX `audit_events_user_id_id_idx` ON `audit_events` (`user_id`,`id`);--> statement-breakpoint
DROP INDEX `sessions_idle_expires_at_idx`;--> statement-breakpoint
DROP INDEX `sessions_sealed_rotated_at_idx`;--> statement-breakpoint
INSERT INTO `session_seals` (`session_id`, `sealed_at`, `seal`) SELECT `id`, `rotated_at`, `parent_seal` FROM `sessions` WHERE `parent_seal` IS NOT NULL AND `rotated_at` IS NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` DROP COLUMN `parent_seal`;