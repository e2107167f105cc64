/**
 * Resumable upload sessions of the Cloud Storage stand-in: the protocol `file.save` and
 * `createWriteStream` use by default. A POST with `uploadType=resumable` opens a session (its URI in
 * `Location`); PUTs to it carry the bytes with `Content-Range`, each answered 308 with the `Range`
 * received so far until the last, which writes the object (preconditions checked then) and answers it.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { StorageFault } from './objects.js';

/** What the object will be made of once every byte arrived. */
export interface UploadTarget {
  bucket: string;
  name: string;
  resource: { contentType?: string; metadata?: Record<string, string>; cacheControl?: string };
  /** The precondition query parameters of the opening POST. */
  query: Readonly<Record<string, string>>;
}

interface Session extends UploadTarget {
  chunks: Buffer[];
  received: number;
  /** The object resource it wrote: what a status query after a lost final answer gets again. */
  written?: Record<string, unknown>;
}

/** What a PUT to a session leads to: more bytes wanted (308), the object to write now, or written before. */
export type SessionStep =
  | { incomplete: { received: number } }
  | { complete: UploadTarget & { content: Buffer } }
  | { written: Record<string, unknown> };

const RANGE = /^bytes (?:(\d+)-(\d+|\*)|\*)\/(\d+|\*)$/;

export class UploadSessions {
  readonly #sessions = new Map<string, Session>();

  /** Opens a session; its id goes in the session URI's `upload_id`. */
  open(target: UploadTarget): string {
    const id = randomUUID();
    this.#sessions.set(id, { ...target, chunks: [], received: 0 });
    return id;
  }

  /** Takes a PUT's bytes (`Content-Range: bytes START-END/TOTAL`, `END` or `TOTAL` may be `*`). */
  put(id: string, contentRange: string | undefined, body: Buffer): SessionStep {
    const session = this.#sessions.get(id);
    if (!session) throw new StorageFault(404, 'notFound', `No such upload session: ${id}`);
    if (session.written) return { written: session.written };
    // Without Content-Range the body is the whole object.
    const range = RANGE.exec(contentRange?.trim() ?? `bytes 0-*/${body.length}`);
    if (!range) {
      throw new StorageFault(400, 'invalid', `Invalid Content-Range: ${JSON.stringify(contentRange)}`);
    }
    const [, first, last, totalText] = range;
    if (first !== undefined) {
      const start = Number(first);
      if (start > session.received) {
        throw new StorageFault(
          400,
          'invalid',
          `Content-Range starts at byte ${start}, but only ${session.received} bytes were received`,
        );
      }
      // Bytes sent again (a retried chunk) are taken once.
      const fresh = body.subarray(session.received - start);
      session.chunks.push(fresh);
      session.received += fresh.length;
    }
    const total = totalText === '*' ? (last === '*' ? session.received : undefined) : Number(totalText);
    if (total === undefined || session.received < total)
      return { incomplete: { received: session.received } };
    if (session.received > total) {
      throw new StorageFault(
        400,
        'invalid',
        `Received ${session.received} bytes, more than the declared ${total}`,
      );
    }
    return { complete: { ...session, content: Buffer.concat(session.chunks) } };
  }

  /** Records the object the session wrote; its bytes are let go. */
  written(id: string, resource: Record<string, unknown>): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    session.written = resource;
    session.chunks = [];
  }

  /** Ends a session the client cancels (DELETE of the session URI). */
  cancel(id: string): boolean {
    return this.#sessions.delete(id);
  }
}
