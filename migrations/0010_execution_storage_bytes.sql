ALTER TABLE `workflow_execution` ADD `stored_bytes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `workflow_execution` ADD `storage_limit` integer;