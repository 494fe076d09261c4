/**
 * n8n schedules → one 5-field cron. Schedule Trigger keeps `rule.interval[]` (field seconds | minutes |
 * hours | days | weeks | months | cronExpression, with n8n's defaults when a value is left out of the
 * export); the old Cron node keeps `triggerTimes.item[]` (mode everyMinute | everyHour | everyDay |
 * everyWeek | everyMonth | everyX | custom). Nodebase has one cron per trigger: further rules are
 * reported, and what a cron cannot say (every 30 seconds, every 2 weeks) is approximated.
 */
import { list, NodeNotConverted, obj, str } from "./mapping";

export function scheduleCron(
  type: string,
  params: Record<string, unknown>,
): { cron: string; notes: string[] } {
  const notes: string[] = [];
  const rules = type.endsWith(".cron")
    ? list(obj(params.triggerTimes).item).map(cronNodeRule)
    : list(obj(params.rule).interval).map(intervalRule);
  if (rules.length === 0) rules.push(intervalRule({}));
  if (rules.length > 1) notes.push(`only the first of ${rules.length} schedule rules is kept`);
  const [first] = rules;
  if (first.note) notes.push(first.note);
  if (typeof first.cron !== "string") throw new NodeNotConverted("its schedule is an expression");
  return { cron: first.cron, notes };
}

interface Rule {
  cron: string;
  note?: string;
}

const num = (value: unknown, fallback: number) => (typeof value === "number" ? value : fallback);

function intervalRule(rule: Record<string, unknown>): Rule {
  const minute = num(rule.triggerAtMinute, 0);
  const hour = num(rule.triggerAtHour, 0);
  switch (str(rule.field, "days")) {
    case "seconds":
      return {
        cron: "* * * * *",
        note: `every ${num(rule.secondsInterval, 30)} seconds became every minute (a cron's smallest step)`,
      };
    case "minutes":
      return { cron: `*/${num(rule.minutesInterval, 5)} * * * *` };
    case "hours": {
      const every = num(rule.hoursInterval, 1);
      return { cron: `${minute} ${every === 1 ? "*" : `*/${every}`} * * *` };
    }
    case "days": {
      const every = num(rule.daysInterval, 1);
      return {
        cron: `${minute} ${hour} ${every === 1 ? "*" : `*/${every}`} * *`,
        note: every === 1 ? undefined : `every ${every} days counts from the 1st of each month`,
      };
    }
    case "weeks": {
      const days =
        Array.isArray(rule.triggerAtDay) && rule.triggerAtDay.length > 0 ? rule.triggerAtDay.join(",") : "0";
      const every = num(rule.weeksInterval, 1);
      return {
        cron: `${minute} ${hour} * * ${days}`,
        note: every === 1 ? undefined : `every ${every} weeks became every week`,
      };
    }
    case "months": {
      const every = num(rule.monthsInterval, 1);
      return {
        cron: `${minute} ${hour} ${num(rule.triggerAtDayOfMonth, 1)} ${every === 1 ? "*" : `*/${every}`} *`,
      };
    }
    case "cronExpression":
      return cronText(str(rule.expression));
    default:
      throw new NodeNotConverted(`the schedule interval "${str(rule.field)}" is unknown`);
  }
}

function cronNodeRule(rule: Record<string, unknown>): Rule {
  const minute = num(rule.minute, 0);
  const hour = num(rule.hour, 14);
  switch (str(rule.mode, "everyDay")) {
    case "everyMinute":
      return { cron: "* * * * *" };
    case "everyHour":
      return { cron: `${minute} * * * *` };
    case "everyDay":
      return { cron: `${minute} ${hour} * * *` };
    case "everyWeek":
      return { cron: `${minute} ${hour} * * ${num(rule.weekday, 1)}` };
    case "everyMonth":
      return { cron: `${minute} ${hour} ${num(rule.dayOfMonth, 1)} * *` };
    case "everyX": {
      const value = num(rule.value, 2);
      return str(rule.unit, "hours") === "minutes"
        ? { cron: `*/${value} * * * *` }
        : { cron: `0 */${value} * * *` };
    }
    case "custom":
      return cronText(str(rule.cronExpression));
    default:
      throw new NodeNotConverted(`the Cron mode "${str(rule.mode)}" is unknown`);
  }
}

/** n8n accepts 6 fields (seconds first); ours are 5. */
function cronText(expression: string): Rule {
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 6)
    return { cron: fields.slice(1).join(" "), note: "the cron's seconds field is dropped" };
  if (fields.length !== 5)
    throw new NodeNotConverted(`the cron expression "${expression}" does not have 5 fields`);
  return { cron: fields.join(" ") };
}
