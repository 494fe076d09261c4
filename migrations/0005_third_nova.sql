CREATE TABLE `item_step` (
	`execution_id` text NOT NULL,
	`node_id` text NOT NULL,
	`parent_path` text DEFAULT '' NOT NULL,
	`item_index` integer NOT NULL,
	`node_name` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`input` text,
	`output` text,
	`error` text,
	`started_at` integer,
	`finished_at` integer,
	PRIMARY KEY(`execution_id`, `node_id`, `parent_path`, `item_index`),
	FOREIGN KEY (`execution_id`) REFERENCES `workflow_execution`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `loop_item` (
	`execution_id` text NOT NULL,
	`loop_node_id` text NOT NULL,
	`parent_path` text DEFAULT '' NOT NULL,
	`item_index` integer NOT NULL,
	`status` text NOT NULL,
	`value` text,
	`result` text,
	`error` text,
	`finished_at` integer,
	PRIMARY KEY(`execution_id`, `loop_node_id`, `parent_path`, `item_index`),
	FOREIGN KEY (`execution_id`) REFERENCES `workflow_execution`(`id`) ON UPDATE no action ON DELETE cascade
);
