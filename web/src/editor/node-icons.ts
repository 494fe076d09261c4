/** A glyph per icon name the node types use (falls back to the category's glyph, then the title's letter). */
const ICONS: Record<string, string> = {
  play: "▶",
  webhook: "⚡",
  clock: "◷",
  calendar: "◷",
  pencil: "✎",
  split: "⇄",
  route: "⇶",
  merge: "⋈",
  hourglass: "◔",
  pause: "‖",
  bell: "♪",
  globe: "◍",
  sparkles: "✦",
  bot: "✦",
  message: "✉",
  slack: "#",
  discord: "☍",
  stripe: "$",
  form: "☰",
  code: "{}",
  repeat: "↻",
  octagon: "⛔",
  workflow: "↪",
  alert: "⚠",
  reply: "↩",
  mail: "✉",
  send: "➤",
  table: "▦",
  database: "⛁",
  notion: "▤",
  github: "⌥",
  rss: "◎",
};

const CATEGORY_ICONS: Record<string, string> = {
  trigger: "⚡",
  core: "✎",
  flow: "⇄",
  http: "◍",
  ai: "✦",
  communication: "✉",
};

export function iconFor(icon: string | undefined, category: string | undefined, title: string): string {
  return (icon && ICONS[icon]) || (category && CATEGORY_ICONS[category]) || title.charAt(0).toUpperCase();
}

export const CATEGORY_LABELS: Record<string, string> = {
  trigger: "Triggers",
  core: "Data",
  flow: "Flow",
  http: "HTTP",
  ai: "AI",
  communication: "Messaging",
};

export const CATEGORY_ORDER = ["trigger", "core", "flow", "http", "ai", "communication"];
