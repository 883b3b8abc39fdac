import { randomUUID } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

interface TempFile {
  path: string;
  sink: WriteStream;
  /** Settles once the sink is closed, whatever happened to the write. */
  closed: Promise<void>;
}

/**
 * The temp files of one multipart read. Removing one is only certain after its write
 * stream closed: a file unlinked while the stream is still opening it is created again
 * right after (Bun's node:http ends a refused response, and fires its `close`, before the
 * upload's streams have opened their files; 64 files stayed behind after 20 refusals), and
 * one unlinked while its stream is stuck open keeps a file descriptor. So `discard` first
 * destroys every write still running, then unlinks each file once its stream closed.
 */
export class TempFiles {
  private readonly files: TempFile[] = [];
  private discarded = false;

  constructor(private readonly dir: string) {}

  /** Streams `source` into a new temp file with a random name; `written` settles with the write. */
  write(source: Readable): { path: string; written: Promise<void> } {
    const path = join(this.dir, `aex-upload-${randomUUID()}`);
    const sink = createWriteStream(path);
    const written = pipeline(source, sink);
    const file = { path, sink, closed: written.then(noop, noop) };
    if (this.discarded) this.remove(file);
    else this.files.push(file);
    return { path, written };
  }

  /** Stops the writes still running and removes every file (a moved one is gone already). Safe to call again. */
  discard(): void {
    this.discarded = true;
    for (const file of this.files.splice(0)) this.remove(file);
  }

  private remove(file: TempFile): void {
    file.sink.destroy();
    void file.closed.then(() => unlink(file.path).catch(noop));
  }
}

function noop(): void {}
