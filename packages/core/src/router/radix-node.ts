/**
 * A node of the radix tree. `prefix` is the static text this node consumes; a node
 * that is some route's end holds its `value`. Children are tried in priority order:
 * static (by first character), then `param` (one segment), then `wildcard` (the rest).
 */
export class RadixNode<T> {
  /** First character codes of `children`, side by side, for a fast scan. */
  labels: number[] = [];
  children: RadixNode<T>[] = [];
  param: RadixNode<T> | null = null;
  wildcard: T | null = null;
  value: T | null = null;

  constructor(public prefix: string) {}

  /** Inserts static `text` below this node and returns the node where it ends. */
  insertStatic(text: string): RadixNode<T> {
    if (text === "") return this;
    const index = this.labels.indexOf(text.charCodeAt(0));
    if (index === -1) {
      const child = new RadixNode<T>(text);
      this.labels.push(text.charCodeAt(0));
      this.children.push(child);
      return child;
    }
    let child = this.children[index];
    const common = commonPrefixLength(child.prefix, text);
    if (common < child.prefix.length) {
      // Split: the shared part becomes a new node above the old child.
      const parent = new RadixNode<T>(child.prefix.slice(0, common));
      child.prefix = child.prefix.slice(common);
      parent.labels.push(child.prefix.charCodeAt(0));
      parent.children.push(child);
      this.children[index] = parent;
      child = parent;
    }
    return child.insertStatic(text.slice(common));
  }

  /**
   * Finds the value for `path` from `start`, this node's prefix already consumed,
   * pushing parameter values (wildcard last) onto `values`.
   *
   * This is the hot path -- change with care!
   */
  find(path: string, start: number, values: string[]): T | null {
    if (start === path.length) {
      if (this.value !== null) return this.value;
      if (this.wildcard !== null) {
        values.push("");
        return this.wildcard;
      }
      return null;
    }
    const code = path.charCodeAt(start);
    const labels = this.labels;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] !== code) continue;
      const child = this.children[i];
      if (path.startsWith(child.prefix, start)) {
        const found = child.find(path, start + child.prefix.length, values);
        if (found !== null) return found;
      }
      break;
    }
    if (this.param !== null) {
      const slash = path.indexOf("/", start);
      const end = slash === -1 ? path.length : slash;
      if (end > start) {
        values.push(path.slice(start, end));
        const found = this.param.find(path, end, values);
        if (found !== null) return found;
        values.pop();
      }
    }
    if (this.wildcard !== null) {
      values.push(path.slice(start));
      return this.wildcard;
    }
    return null;
  }
}

function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
