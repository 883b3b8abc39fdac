/** One line of a field: a line break inside would start a new field (WHATWG HTML §9.2). */
export const oneLine = (value: string): string => value.replace(/[\r\n]/g, " ");

/**
 * One event as it goes on the wire: `event:` (unless `message`), `id:`, and one `data:` line
 * per line of `data`. A replay log's event is framed once and written to every stream.
 */
export function eventFrame(event: string, data: string, id?: string): string {
  let frame = event === "message" ? "" : `event: ${oneLine(event)}\n`;
  if (id !== undefined) frame += `id: ${oneLine(id)}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** What `send` sends for `data`: strings as they are, anything else as JSON. */
export function eventData(data: unknown): string {
  return typeof data === "string" ? data : JSON.stringify(data ?? null);
}
