ALTER TABLE `execution_step` ADD `pinned` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `workflow` ADD `tags` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `workflow` ADD `pin_data` text;--> statement-breakpoint
ALTER TABLE `workflow_execution` ADD `run_until` text;