CREATE TABLE `resume_token_use` (
	`execution_id` text NOT NULL,
	`event` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`execution_id`, `event`),
	FOREIGN KEY (`execution_id`) REFERENCES `workflow_execution`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `workflow` ADD `settings` text;--> statement-breakpoint
ALTER TABLE `workflow_execution` ADD `parent_execution_id` text;--> statement-breakpoint
ALTER TABLE `workflow_execution` ADD `origin` text;--> statement-breakpoint
CREATE INDEX `execution_parent_idx` ON `workflow_execution` (`parent_execution_id`);