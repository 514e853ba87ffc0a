import type { Table } from "./section.ts";

/** A GitHub-flavoured Markdown table; text columns left-aligned, numbers right-aligned. */
export function markdownTable(table: Table): string {
  const escapeCell = (cell: string) => cell.replaceAll("|", "\\|");
  const header = `| ${table.columns.map(escapeCell).join(" | ")} |`;
  const text = table.textColumns ?? 1;
  const rule = `|${table.columns.map((_, i) => (i < text ? " --- " : " ---: ")).join("|")}|`;
  const rows = table.rows.map((row) => `| ${row.map(escapeCell).join(" | ")} |`);
  return [header, rule, ...rows].join("\n");
}

/** The same table as aligned plain text, for the terminal. */
export function plainTable(table: Table): string {
  const all = [table.columns, ...table.rows];
  const widths = table.columns.map((_, column) =>
    Math.max(...all.map((row) => [...(row[column] ?? "")].length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) => {
        const pad = " ".repeat((widths[column] ?? 0) - [...cell].length);
        return column === 0 ? cell + pad : pad + cell;
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "─".repeat(width)).join("  ");
  return [line(table.columns), rule, ...table.rows.map(line)].join("\n");
}
