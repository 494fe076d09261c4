ALTER TABLE `workflow_execution` ADD `checked_at` integer;--> statement-breakpoint
CREATE INDEX `execution_status_checked_idx` ON `workflow_execution` (`status`,`checked_at`);--> statement-breakpoint
CREATE INDEX `execution_created_idx` ON `workflow_execution` (`created_at`);