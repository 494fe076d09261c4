-- Storage bounds (issue 13). `workflow_execution.stored_bytes` is kept equal to the payload bytes its
-- step records hold (execution_step, item_step, loop_item: inputs, outputs, logs, errors), and a write
-- whose payload would take it past `storage_limit` is refused with RAISE(ABORT, 'nodebase_storage_budget')
-- before anything changes. Triggers, so every write path (node steps, loop elements, reused steps of a
-- retry) is counted, and the check and the count happen in the same statement as the write (two parallel
-- branches cannot both pass). Only growth of inputs, outputs and logs is refused: a record rewritten with
-- the same or a smaller payload, or one that only records a status or an error message, always succeeds
-- (so a run past its budget can still record why it failed). Single-statement bodies without CASE:
-- wrangler's statement splitter keeps such triggers whole.
CREATE TRIGGER `execution_step_budget_insert` BEFORE INSERT ON `execution_step`
WHEN ((coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0) + coalesce(length(CAST(NEW.`logs` AS BLOB)), 0)) - coalesce((SELECT (coalesce(length(CAST(x.`input` AS BLOB)), 0) + coalesce(length(CAST(x.`output` AS BLOB)), 0) + coalesce(length(CAST(x.`logs` AS BLOB)), 0)) FROM `execution_step` x WHERE x.`execution_id` = NEW.`execution_id` AND x.`node_id` = NEW.`node_id`), 0)) > 0 AND (SELECT e.`stored_bytes` + ((coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0) + coalesce(length(CAST(NEW.`logs` AS BLOB)), 0)) - coalesce((SELECT (coalesce(length(CAST(x.`input` AS BLOB)), 0) + coalesce(length(CAST(x.`output` AS BLOB)), 0) + coalesce(length(CAST(x.`logs` AS BLOB)), 0)) FROM `execution_step` x WHERE x.`execution_id` = NEW.`execution_id` AND x.`node_id` = NEW.`node_id`), 0)) > e.`storage_limit` FROM `workflow_execution` e WHERE e.`id` = NEW.`execution_id` AND e.`storage_limit` IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'nodebase_storage_budget');
END;
--> statement-breakpoint
CREATE TRIGGER `execution_step_bytes_insert` AFTER INSERT ON `execution_step`
BEGIN
  UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` + (coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0) + coalesce(length(CAST(NEW.`logs` AS BLOB)), 0) + coalesce(length(CAST(NEW.`error` AS BLOB)), 0)) WHERE `id` = NEW.`execution_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `execution_step_budget_update` BEFORE UPDATE OF `input`, `output`, `logs`, `error` ON `execution_step`
WHEN ((coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0) + coalesce(length(CAST(NEW.`logs` AS BLOB)), 0)) - (coalesce(length(CAST(OLD.`input` AS BLOB)), 0) + coalesce(length(CAST(OLD.`output` AS BLOB)), 0) + coalesce(length(CAST(OLD.`logs` AS BLOB)), 0))) > 0 AND (SELECT e.`stored_bytes` + ((coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0) + coalesce(length(CAST(NEW.`logs` AS BLOB)), 0)) - (coalesce(length(CAST(OLD.`input` AS BLOB)), 0) + coalesce(length(CAST(OLD.`output` AS BLOB)), 0) + coalesce(length(CAST(OLD.`logs` AS BLOB)), 0))) > e.`storage_limit` FROM `workflow_execution` e WHERE e.`id` = NEW.`execution_id` AND e.`storage_limit` IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'nodebase_storage_budget');
END;
--> statement-breakpoint
CREATE TRIGGER `execution_step_bytes_update` AFTER UPDATE OF `input`, `output`, `logs`, `error` ON `execution_step`
BEGIN
  UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` + (coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0) + coalesce(length(CAST(NEW.`logs` AS BLOB)), 0) + coalesce(length(CAST(NEW.`error` AS BLOB)), 0)) - (coalesce(length(CAST(OLD.`input` AS BLOB)), 0) + coalesce(length(CAST(OLD.`output` AS BLOB)), 0) + coalesce(length(CAST(OLD.`logs` AS BLOB)), 0) + coalesce(length(CAST(OLD.`error` AS BLOB)), 0)) WHERE `id` = NEW.`execution_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `execution_step_bytes_delete` AFTER DELETE ON `execution_step`
BEGIN
  UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` - (coalesce(length(CAST(OLD.`input` AS BLOB)), 0) + coalesce(length(CAST(OLD.`output` AS BLOB)), 0) + coalesce(length(CAST(OLD.`logs` AS BLOB)), 0) + coalesce(length(CAST(OLD.`error` AS BLOB)), 0)) WHERE `id` = OLD.`execution_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `item_step_budget_insert` BEFORE INSERT ON `item_step`
WHEN ((coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0)) - coalesce((SELECT (coalesce(length(CAST(x.`input` AS BLOB)), 0) + coalesce(length(CAST(x.`output` AS BLOB)), 0)) FROM `item_step` x WHERE x.`execution_id` = NEW.`execution_id` AND x.`node_id` = NEW.`node_id` AND x.`parent_path` = NEW.`parent_path` AND x.`item_index` = NEW.`item_index`), 0)) > 0 AND (SELECT e.`stored_bytes` + ((coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0)) - coalesce((SELECT (coalesce(length(CAST(x.`input` AS BLOB)), 0) + coalesce(length(CAST(x.`output` AS BLOB)), 0)) FROM `item_step` x WHERE x.`execution_id` = NEW.`execution_id` AND x.`node_id` = NEW.`node_id` AND x.`parent_path` = NEW.`parent_path` AND x.`item_index` = NEW.`item_index`), 0)) > e.`storage_limit` FROM `workflow_execution` e WHERE e.`id` = NEW.`execution_id` AND e.`storage_limit` IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'nodebase_storage_budget');
END;
--> statement-breakpoint
CREATE TRIGGER `item_step_bytes_insert` AFTER INSERT ON `item_step`
BEGIN
  UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` + (coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0) + coalesce(length(CAST(NEW.`error` AS BLOB)), 0)) WHERE `id` = NEW.`execution_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `item_step_budget_update` BEFORE UPDATE OF `input`, `output`, `error` ON `item_step`
WHEN ((coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0)) - (coalesce(length(CAST(OLD.`input` AS BLOB)), 0) + coalesce(length(CAST(OLD.`output` AS BLOB)), 0))) > 0 AND (SELECT e.`stored_bytes` + ((coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0)) - (coalesce(length(CAST(OLD.`input` AS BLOB)), 0) + coalesce(length(CAST(OLD.`output` AS BLOB)), 0))) > e.`storage_limit` FROM `workflow_execution` e WHERE e.`id` = NEW.`execution_id` AND e.`storage_limit` IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'nodebase_storage_budget');
END;
--> statement-breakpoint
CREATE TRIGGER `item_step_bytes_update` AFTER UPDATE OF `input`, `output`, `error` ON `item_step`
BEGIN
  UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` + (coalesce(length(CAST(NEW.`input` AS BLOB)), 0) + coalesce(length(CAST(NEW.`output` AS BLOB)), 0) + coalesce(length(CAST(NEW.`error` AS BLOB)), 0)) - (coalesce(length(CAST(OLD.`input` AS BLOB)), 0) + coalesce(length(CAST(OLD.`output` AS BLOB)), 0) + coalesce(length(CAST(OLD.`error` AS BLOB)), 0)) WHERE `id` = NEW.`execution_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `item_step_bytes_delete` AFTER DELETE ON `item_step`
BEGIN
  UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` - (coalesce(length(CAST(OLD.`input` AS BLOB)), 0) + coalesce(length(CAST(OLD.`output` AS BLOB)), 0) + coalesce(length(CAST(OLD.`error` AS BLOB)), 0)) WHERE `id` = OLD.`execution_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `loop_item_budget_insert` BEFORE INSERT ON `loop_item`
WHEN ((coalesce(length(CAST(NEW.`value` AS BLOB)), 0) + coalesce(length(CAST(NEW.`result` AS BLOB)), 0)) - coalesce((SELECT (coalesce(length(CAST(x.`value` AS BLOB)), 0) + coalesce(length(CAST(x.`result` AS BLOB)), 0)) FROM `loop_item` x WHERE x.`execution_id` = NEW.`execution_id` AND x.`loop_node_id` = NEW.`loop_node_id` AND x.`parent_path` = NEW.`parent_path` AND x.`item_index` = NEW.`item_index`), 0)) > 0 AND (SELECT e.`stored_bytes` + ((coalesce(length(CAST(NEW.`value` AS BLOB)), 0) + coalesce(length(CAST(NEW.`result` AS BLOB)), 0)) - coalesce((SELECT (coalesce(length(CAST(x.`value` AS BLOB)), 0) + coalesce(length(CAST(x.`result` AS BLOB)), 0)) FROM `loop_item` x WHERE x.`execution_id` = NEW.`execution_id` AND x.`loop_node_id` = NEW.`loop_node_id` AND x.`parent_path` = NEW.`parent_path` AND x.`item_index` = NEW.`item_index`), 0)) > e.`storage_limit` FROM `workflow_execution` e WHERE e.`id` = NEW.`execution_id` AND e.`storage_limit` IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'nodebase_storage_budget');
END;
--> statement-breakpoint
CREATE TRIGGER `loop_item_bytes_insert` AFTER INSERT ON `loop_item`
BEGIN
  UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` + (coalesce(length(CAST(NEW.`value` AS BLOB)), 0) + coalesce(length(CAST(NEW.`result` AS BLOB)), 0) + coalesce(length(CAST(NEW.`error` AS BLOB)), 0)) WHERE `id` = NEW.`execution_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `loop_item_budget_update` BEFORE UPDATE OF `value`, `result`, `error` ON `loop_item`
WHEN ((coalesce(length(CAST(NEW.`value` AS BLOB)), 0) + coalesce(length(CAST(NEW.`result` AS BLOB)), 0)) - (coalesce(length(CAST(OLD.`value` AS BLOB)), 0) + coalesce(length(CAST(OLD.`result` AS BLOB)), 0))) > 0 AND (SELECT e.`stored_bytes` + ((coalesce(length(CAST(NEW.`value` AS BLOB)), 0) + coalesce(length(CAST(NEW.`result` AS BLOB)), 0)) - (coalesce(length(CAST(OLD.`value` AS BLOB)), 0) + coalesce(length(CAST(OLD.`result` AS BLOB)), 0))) > e.`storage_limit` FROM `workflow_execution` e WHERE e.`id` = NEW.`execution_id` AND e.`storage_limit` IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'nodebase_storage_budget');
END;
--> statement-breakpoint
CREATE TRIGGER `loop_item_bytes_update` AFTER UPDATE OF `value`, `result`, `error` ON `loop_item`
BEGIN
  UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` + (coalesce(length(CAST(NEW.`value` AS BLOB)), 0) + coalesce(length(CAST(NEW.`result` AS BLOB)), 0) + coalesce(length(CAST(NEW.`error` AS BLOB)), 0)) - (coalesce(length(CAST(OLD.`value` AS BLOB)), 0) + coalesce(length(CAST(OLD.`result` AS BLOB)), 0) + coalesce(length(CAST(OLD.`error` AS BLOB)), 0)) WHERE `id` = NEW.`execution_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `loop_item_bytes_delete` AFTER DELETE ON `loop_item`
BEGIN
  UPDATE `workflow_execution` SET `stored_bytes` = `stored_bytes` - (coalesce(length(CAST(OLD.`value` AS BLOB)), 0) + coalesce(length(CAST(OLD.`result` AS BLOB)), 0) + coalesce(length(CAST(OLD.`error` AS BLOB)), 0)) WHERE `id` = OLD.`execution_id`;
END;
