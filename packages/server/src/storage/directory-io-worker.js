/**
 * The directory store's write path, run in a worker thread (see directory-io.ts for why and for the
 * message shapes). Every job is one synchronous sequence of system calls: no thread-pool hop per call.
 * Plain JavaScript so it loads the same under `tsx`, Vitest and plain Node.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmdirSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';

const { tempPrefix } = workerData;
/** A concurrent delete may prune a freshly created parent directory; recreate it this many times. */
const PARENT_RACE_ATTEMPTS = 5;
/** Spare files kept per store by this thread; deletes beyond that really unlink. */
const MAX_SPARES = 1024;
/**
 * A deleted file is reused only this long after its delete: far longer than a read takes, and than the
 * file system's timestamp granularity, so a read that opened the file before the delete notices the
 * truncation or the reuse by its changed size or mtime (see get; links and renames leave mtime alone).
 */
const QUARANTINE_MS = 250;
/** Directories this thread created or found; forgotten when a write finds one gone. */
const knownDirectories = new Set();
const spareName = `${process.pid}-${randomBytes(4).toString('hex')}-${threadId}-`;
let spareCounter = 0;
/** Per spare folder: files ready for reuse, and deleted ones still in quarantine (oldest first). */
const pools = new Map();

const codeOf = (error) => error?.code;

function ensureDirectory(dir) {
  if (knownDirectories.has(dir)) return;
  mkdirSync(dir, { recursive: true });
  knownDirectories.add(dir);
}

/** Runs `act` once `dir` exists, recreating it if a concurrent delete pruned it meanwhile. */
function inDirectory(dir, act) {
  for (let attempt = 1; ; attempt++) {
    try {
      ensureDirectory(dir);
      return act();
    } catch (error) {
      knownDirectories.delete(dir);
      if (codeOf(error) !== 'ENOENT' || attempt >= PARENT_RACE_ATTEMPTS) throw error;
    }
  }
}

function poolOf(spares) {
  let pool = pools.get(spares);
  if (!pool) {
    pool = { ready: [], quarantined: [] };
    pools.set(spares, pool);
  }
  return pool;
}

/**
 * Files are recycled instead of created and unlinked: on ext4 a create that follows many unlinks scans
 * the recently freed inodes (hundreds of µs of kernel time at thousands of chunk writes a second), and
 * an unlink may issue a discard. A deleted object's file is truncated, kept in the store's spare folder
 * and, after a quarantine, becomes the next temporary file.
 */
function takeSpare(spares) {
  const pool = poolOf(spares);
  const now = performance.now();
  while (pool.quarantined.length > 0 && now - pool.quarantined[0].at >= QUARANTINE_MS)
    pool.ready.push(pool.quarantined.shift().path);
  return pool.ready.pop();
}

function newSpareName(spares) {
  return `${spares}/${tempPrefix}${spareName}${spareCounter++}`;
}

/** A temporary file nobody else has seen goes straight back to the ready files. */
function returnSpare(spares, path) {
  const pool = poolOf(spares);
  if (pool.ready.length + pool.quarantined.length < MAX_SPARES) pool.ready.push(path);
  else removeQuietly(path);
}

function writeAll(fd, bytes) {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, written);
}

/** A fully written file in the spare folder; synced unless the store's journal covers it. */
function writeTempFile(bytes, sync, spares) {
  let temp = takeSpare(spares);
  let fd;
  if (temp !== undefined) {
    try {
      fd = openSync(temp, 'r+');
    } catch {
      temp = undefined; // removed underneath (a cleanup): make a new one
    }
  }
  if (fd === undefined) {
    temp = newSpareName(spares);
    fd = inDirectory(spares, () => openSync(temp, 'wx', 0o644));
  }
  try {
    writeAll(fd, bytes);
    ftruncateSync(fd, bytes.length);
    if (sync) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    removeQuietly(temp);
    throw error;
  }
  closeSync(fd);
  return temp;
}

function removeQuietly(path) {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Makes a rename or link durable: the new directory entry survives a crash. */
function fsyncDirectory(dir) {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch (error) {
    // Some file systems cannot fsync a directory; the rename itself is still atomic there.
    if (codeOf(error) !== 'EINVAL' && codeOf(error) !== 'ENOTSUP') throw error;
  } finally {
    closeSync(fd);
  }
}

/** `sync: false` when the store's journal makes the write durable (directory-journal.ts). */
function put({ path, bytes, sync, spares }) {
  const dir = dirname(path);
  const temp = writeTempFile(bytes, sync, spares);
  try {
    inDirectory(dir, () => renameSync(temp, path));
  } catch (error) {
    returnSpare(spares, temp);
    throw error;
  }
  if (sync) fsyncDirectory(dir);
  return null;
}

function putIfAbsent({ path, bytes, sync, spares }) {
  const dir = dirname(path);
  const temp = writeTempFile(bytes, sync, spares);
  try {
    // link(2) fails with EEXIST if the name exists: exactly one of concurrent writers wins, and the
    // object appears complete because the temporary file was fully written first.
    inDirectory(dir, () => linkSync(temp, path));
  } catch (error) {
    returnSpare(spares, temp);
    if (codeOf(error) !== 'EEXIST') throw error;
    if (lstatSync(path).isDirectory())
      throw Object.assign(new Error('a folder has this name'), { code: 'EISDIR' });
    return false;
  }
  unlinkSync(temp); // the file lives on under its key
  if (sync) fsyncDirectory(dir);
  return true;
}

function get({ path, start, end }) {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return null;
    throw error;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return null;
    const from = start ?? 0;
    const to = Math.min(end ?? info.size - 1, info.size - 1);
    if (from > to) return new Uint8Array(0);
    const buffer = new Uint8Array(to - from + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, from + filled);
      if (read === 0) return null; // deleted (and truncated) while being read
      filled += read;
    }
    // Deleted, and its file recycled, while being read: the object is gone.
    const after = fstatSync(fd);
    if (after.mtimeMs !== info.mtimeMs || after.size !== info.size) return null;
    return buffer;
  } finally {
    closeSync(fd);
  }
}

/** Retires the file (into the spare folder, or unlinked), then now-empty folders up to `root`. */
function remove({ path, root, spares }) {
  const info = lstatSync(path, { throwIfNoEntry: false });
  // Missing, or a folder of other keys: either way no object to delete.
  if (info === undefined || info.isDirectory()) return null;
  const pool = poolOf(spares);
  try {
    if (pool.ready.length + pool.quarantined.length < MAX_SPARES) {
      const spare = newSpareName(spares);
      inDirectory(spares, () => renameSync(path, spare));
      truncateSync(spare, 0); // a deleted object's bytes do not linger
      pool.quarantined.push({ path: spare, at: performance.now() });
    } else unlinkSync(path);
  } catch (error) {
    if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return null; // deleted concurrently
    throw error;
  }
  for (let dir = dirname(path); dir.startsWith(root) && dir !== root; dir = dirname(dir)) {
    try {
      rmdirSync(dir);
      knownDirectories.delete(dir);
    } catch {
      break; // not empty (or already gone, or recreated by a writer): stop here
    }
  }
  return null;
}

/** Makes files and directory entries written without sync durable (a journal checkpoint). */
function syncPaths({ files, dirs }) {
  for (const file of files) {
    let fd;
    try {
      fd = openSync(file, 'r');
    } catch (error) {
      if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') continue; // deleted since
      throw error;
    }
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  for (const dir of dirs) {
    try {
      fsyncDirectory(dir);
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') throw error; // pruned since: nothing left to make durable
    }
  }
  return null;
}

const operations = { put, putIfAbsent, get, delete: remove, syncPaths };

/** A batch of jobs in, one reply per job out, in one message. */
parentPort.on('message', (jobs) => {
  const replies = [];
  const transfer = [];
  for (const job of jobs) {
    try {
      const value = operations[job.op](job);
      if (value instanceof Uint8Array && value.byteLength > 0) transfer.push(value.buffer);
      replies.push({ id: job.id, value });
    } catch (error) {
      replies.push({
        id: job.id,
        error: { code: codeOf(error), message: error instanceof Error ? error.message : String(error) },
      });
    }
  }
  parentPort.postMessage(replies, transfer);
});
