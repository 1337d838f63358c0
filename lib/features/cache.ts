// On-disk cache of computed features, keyed by the audio file's content and every parameter that changes the numbers.
//
// Each entry is one small binary file. Its header carries a magic tag, the format version, a digest of
// the full key (so an entry copied or renamed onto the wrong key is rejected), the array shape, the
// payload length and a SHA-1 of the payload: a truncated, corrupted or foreign entry is detected and
// reported as 'corrupt' — the caller recomputes and overwrites it; it is never returned.
import { createHash } from 'node:crypto';
import { BigIntStats, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Bumped when the entry layout below changes. */
export const CACHE_FORMAT_VERSION = 1;

const MAGIC = 0x43464c53; // 'SLFC' read as a little-endian uint32
const KEY_DIGEST_BYTES = 20; // sha1
const PAYLOAD_DIGEST_BYTES = 20; // sha1
const MAX_DIMS = 4;

/** A cached feature: a flat Float32Array and its shape (e.g. [40] for an MFCC mean, [40, 173] for a matrix). */
export interface CachedArray {
  data: Float32Array;
  shape: number[];
}

export type CacheLookup =
  | { status: 'hit'; value: CachedArray }
  | { status: 'miss' }
  | { status: 'corrupt'; reason: string };

/** SHA-256 of a file's bytes, hex: the part of the key that says "same audio". */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The cache key: the file's content hash plus a canonical JSON of the parameters (keys sorted, so
 * `{a, b}` and `{b, a}` give the same key). Anything that changes the numbers must be in `params`.
 */
export function cacheKey(fileHash: string, params: Record<string, unknown>): string {
  return `${fileHash}:${canonicalJson(params)}`;
}

/** cacheKey with the parameters fixed: canonicalised once, for batches that key thousands of files. */
export function cacheKeyer(params: Record<string, unknown>): (fileHash: string) => string {
  const suffix = `:${canonicalJson(params)}`;
  return (fileHash) => `${fileHash}${suffix}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const sha1 = (data: Uint8Array | string): Buffer => createHash('sha1').update(data).digest();

/** Serialises an entry: header (magic, version, key digest, shape, length, payload sha1) + float32 payload. */
export function encodeEntry(key: string, value: CachedArray): Buffer {
  const { data, shape } = value;
  if (shape.length < 1 || shape.length > MAX_DIMS) throw new RangeError(`cache entry must have 1..${MAX_DIMS} dims, got ${shape.length}`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new RangeError(`shape [${shape.join(', ')}] does not match ${data.length} values`);
  const payload = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const headerBytes = 4 + 4 + KEY_DIGEST_BYTES + 4 + 4 * shape.length + 4 + PAYLOAD_DIGEST_BYTES;
  const out = Buffer.alloc(headerBytes + payload.length);
  let o = 0;
  o = out.writeUInt32LE(MAGIC, o);
  o = out.writeUInt32LE(CACHE_FORMAT_VERSION, o);
  o += sha1(key).copy(out, o);
  o = out.writeUInt32LE(shape.length, o);
  for (const d of shape) o = out.writeUInt32LE(d, o);
  o = out.writeUInt32LE(payload.length, o);
  o += sha1(payload).copy(out, o);
  payload.copy(out, o);
  return out;
}

/** Parses and verifies an entry; returns the reason when it is not a valid entry for `key`. */
export function decodeEntry(key: string, buf: Buffer): { value: CachedArray } | { reason: string } {
  const fixed = 4 + 4 + KEY_DIGEST_BYTES + 4;
  if (buf.length < fixed) return { reason: `truncated header (${buf.length} bytes)` };
  let o = 0;
  if (buf.readUInt32LE(o) !== MAGIC) return { reason: 'bad magic' };
  o += 4;
  const version = buf.readUInt32LE(o);
  if (version !== CACHE_FORMAT_VERSION) return { reason: `format version ${version}, expected ${CACHE_FORMAT_VERSION}` };
  o += 4;
  if (!buf.subarray(o, o + KEY_DIGEST_BYTES).equals(sha1(key))) return { reason: 'entry belongs to another key' };
  o += KEY_DIGEST_BYTES;
  const ndim = buf.readUInt32LE(o);
  o += 4;
  if (ndim < 1 || ndim > MAX_DIMS) return { reason: `bad dimension count ${ndim}` };
  if (buf.length < o + 4 * ndim + 4 + PAYLOAD_DIGEST_BYTES) return { reason: 'truncated header' };
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++, o += 4) shape.push(buf.readUInt32LE(o));
  const length = buf.readUInt32LE(o);
  o += 4;
  const digest = buf.subarray(o, o + PAYLOAD_DIGEST_BYTES);
  o += PAYLOAD_DIGEST_BYTES;
  if (length !== 4 * shape.reduce((a, b) => a * b, 1)) return { reason: `payload length ${length} does not match shape [${shape.join(', ')}]` };
  if (buf.length !== o + length) return { reason: `payload is ${buf.length - o} bytes, header says ${length}` };
  const payload = buf.subarray(o);
  if (!sha1(payload).equals(digest)) return { reason: 'payload checksum mismatch' };
  // Copy into a fresh, aligned buffer: the file buffer's offset need not be a multiple of 4.
  const data = new Float32Array(length / 4);
  new Uint8Array(data.buffer).set(payload);
  return { value: { data, shape } };
}

/** A directory of verified feature entries. Safe to share between processes (writes are atomic renames). */
export class FeatureCache {
  readonly dir: string;

  /** `dir` is resolved against the current working directory (default project-local `.soundlab-cache`). */
  constructor(dir: string) {
    this.dir = resolve(dir, 'features');
  }

  /** The entry file for a key: sha1 of the key, sharded by its first two hex digits. */
  pathFor(key: string): string {
    const name = sha1(key).toString('hex');
    return join(this.dir, name.slice(0, 2), `${name}.bin`);
  }

  /** Looks an entry up: 'hit' only when it is intact and belongs to `key`. */
  get(key: string): CacheLookup {
    let buf: Buffer;
    try {
      buf = readFileSync(this.pathFor(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'miss' };
      return { status: 'corrupt', reason: `unreadable: ${(err as Error).message}` };
    }
    const decoded = decodeEntry(key, buf);
    return 'value' in decoded ? { status: 'hit', value: decoded.value } : { status: 'corrupt', reason: decoded.reason };
  }

  /**
   * Stores an entry. Written to a temporary file and renamed, so a concurrent reader or a crash midway
   * never sees half an entry. A cache that cannot be written (read-only disk, full disk) is not an error
   * for the caller: the result is still correct, only not cached; the reason is returned.
   */
  set(key: string, value: CachedArray): string | null {
    const path = this.pathFor(key);
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(tmp, encodeEntry(key, value));
      renameSync(tmp, path);
      return null;
    } catch (err) {
      rmSync(tmp, { force: true });
      return (err as Error).message;
    }
  }
}

/**
 * How a file looked when its content was hashed: device, inode, size, modification and change times in
 * nanoseconds. Any write, replacement or copy over the file changes at least one of them.
 */
export function fileSignature(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/**
 * Files whose timestamps are this close to "now" are not remembered: a second write within the
 * filesystem's timestamp granularity could leave the signature unchanged (git's "racily clean" case).
 */
const SETTLE_MS = 2000;

/** What a worker saw of a file it hashed, for FileIndex.note on the calling thread. */
export interface FileIndexEntry {
  /** Absolute path. */
  path: string;
  /** fileSignature of the stats taken before the file was read. */
  signature: string;
  /** SHA-256 of the content, hex. */
  hash: string;
}

/**
 * The entry to remember for a file just hashed, or null when its timestamps are too recent to trust
 * (see SETTLE_MS). `statsBeforeRead` must be taken before reading, so a write during the read leaves a
 * signature that no longer matches.
 */
export function indexEntryFor(path: string, statsBeforeRead: BigIntStats, hash: string, nowMs = Date.now()): FileIndexEntry | null {
  const mtimeMs = Number(statsBeforeRead.mtimeNs / 1_000_000n);
  if (nowMs - mtimeMs < SETTLE_MS) return null;
  return { path: resolve(path), signature: fileSignature(statsBeforeRead), hash };
}

const INDEX_VERSION = 1;

/**
 * Remembers each file's content hash by its path and signature, so a re-run finds its cache entries
 * from a `stat` instead of reading and hashing every file (SHA-256 of UrbanSound8K's 6 GB takes tens of
 * seconds on this machine kind). The same idea as git's index and ccache's direct mode: a file whose
 * signature changed in any way is hashed again. One JSON file per cache directory, read once per
 * instance and written by the calling thread after a batch (workers only report what they hashed);
 * two processes saving at once may lose each other's new entries (atomic rename: the file is never
 * torn), which only costs a re-hash. A damaged or foreign file is ignored.
 */
export class FileIndex {
  readonly file: string;
  private entries: Map<string, { signature: string; hash: string }> | null = null;
  private dirty = false;

  /** `cacheDir` as given to FeatureCache (the index is its `files.json`). */
  constructor(cacheDir: string) {
    this.file = resolve(cacheDir, 'files.json');
  }

  private readDisk(): Map<string, { signature: string; hash: string }> {
    const map = new Map<string, { signature: string; hash: string }>();
    try {
      const json = JSON.parse(readFileSync(this.file, 'utf8')) as { version?: number; files?: Record<string, [string, string]> };
      if (json.version !== INDEX_VERSION || !json.files || typeof json.files !== 'object') return map;
      for (const [path, value] of Object.entries(json.files)) {
        if (Array.isArray(value) && typeof value[0] === 'string' && /^[0-9a-f]{64}$/.test(value[1])) map.set(path, { signature: value[0], hash: value[1] });
      }
    } catch {
      // Absent or damaged: every file is hashed (and the index rewritten).
    }
    return map;
  }

  private load(): Map<string, { signature: string; hash: string }> {
    this.entries ??= this.readDisk();
    return this.entries;
  }

  /** The content hash recorded for `path` if the file still has the signature it had then; else null. */
  lookup(path: string): string | null {
    const absPath = resolve(path);
    const known = this.load().get(absPath);
    if (!known) return null;
    let st: BigIntStats;
    try {
      st = statSync(absPath, { bigint: true });
    } catch {
      return null;
    }
    return fileSignature(st) === known.signature ? known.hash : null;
  }

  /** Remembers an entry (in memory until save()). */
  note(entry: FileIndexEntry): void {
    this.load().set(entry.path, { signature: entry.signature, hash: entry.hash });
    this.dirty = true;
  }

  /**
   * Writes the noted entries, merged over what is on disk now. Returns the reason when the index
   * cannot be written (the caller carries on: the next run hashes again); null otherwise.
   */
  save(): string | null {
    if (!this.dirty) return null;
    const merged = this.readDisk();
    for (const [path, v] of this.load()) merged.set(path, v);
    const files: Record<string, [string, string]> = {};
    for (const [path, v] of merged) files[path] = [v.signature, v.hash];
    const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      writeFileSync(tmp, JSON.stringify({ version: INDEX_VERSION, files }));
      renameSync(tmp, this.file);
      this.entries = merged;
      this.dirty = false;
      return null;
    } catch (err) {
      rmSync(tmp, { force: true });
      return (err as Error).message;
    }
  }
}
