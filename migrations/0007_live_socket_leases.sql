CREATE TABLE `live_socket` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`room` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `live_socket_user_idx` ON `live_socket` (`user_id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `live_socket_room_idx` ON `live_socket` (`room`);