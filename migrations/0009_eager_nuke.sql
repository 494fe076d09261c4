ALTER TABLE `workflow` ADD `live_until` integer;--> statement-breakpoint
ALTER TABLE `workflow_execution` ADD `ticket` text;