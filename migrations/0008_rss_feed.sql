CREATE TABLE `rss_feed` (
	`workflow_id` text NOT NULL,
	`node_id` text NOT NULL,
	`url` text NOT NULL,
	`primed` integer DEFAULT false NOT NULL,
	`polled_at` integer NOT NULL,
	`etag` text,
	`last_modified` text,
	`last_error` text,
	`error_recorded_at` integer,
	`pruned_at` integer,
	PRIMARY KEY(`workflow_id`, `node_id`),
	FOREIGN KEY (`workflow_id`) REFERENCES `workflow`(`id`) ON UPDATE no action ON DELETE cascade
);
