-- Storage bounds (issue 13): the trigger payload an execution row holds (`trigger_data`, up to ~1 MiB of
-- webhook body, a sub-workflow's input, an error workflow's report) counts in its `stored_bytes` like its
-- step records do (migration 0011), so it takes its share of `storage_limit` and of the user's quota.
-- Counted by triggers, so every path that creates an execution (API, webhooks, schedules, retries,
-- sub-workflows) is covered. The payload itself is never refused here: the first step record that
-- would pass the limit is (0011), which names its node.
CREATE TRIGGER `execution_trigger_bytes_insert` AFTER INSERT ON `workflow_execution`
BEGIN
  UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` + coalesce(length(CAST(NEW.`trigger_data` AS BLOB)), 0) WHERE `id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `execution_trigger_bytes_update` AFTER UPDATE OF `trigger_data` ON `workflow_execution`
BEGIN
  UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` + coalesce(length(CAST(NEW.`trigger_data` AS BLOB)), 0) - coalesce(length(CAST(OLD.`trigger_data` AS BLOB)), 0) WHERE `id` = NEW.`id`;
END;
--> statement-breakpoint
UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` + coalesce(length(CAST(`trigger_data` AS BLOB)), 0);
