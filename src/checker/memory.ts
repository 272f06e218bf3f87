/**
 * The memory cap of a search. A search ends with verdict `limit` (memory) when the
 * process's resident memory reaches the cap, or when the JavaScript heap nears V8's own limit
 * (past which V8 aborts the process; see `heapStop`), whichever comes first: never the
 * kernel's out-of-memory kill, never a V8 abort.
 *
 * The default cap is half of the machine's memory (`os.totalmem()`), so that two searches
 * (the two workers of `verify`, or a search beside the rest of the machine) fit.
 */
import { totalmem } from 'node:os'
import { getHeapStatistics } from 'node:v8'

export const DEFAULT_MEMORY_FRACTION = 0.5

export function defaultMemoryLimitBytes(): number {
  return Math.floor(totalmem() * DEFAULT_MEMORY_FRACTION)
}

/** Of the memory cap, what a frontier of state vectors keeps in memory before it spills to disk. */
export const DEFAULT_FRONTIER_FRACTION = 0.25

export function defaultFrontierMemoryBytes(memoryLimitBytes: number): number {
  return Math.floor(memoryLimitBytes * DEFAULT_FRONTIER_FRACTION)
}

const heapLimit = getHeapStatistics().heap_size_limit
/**
 * V8 aborts when its garbage collector cannot free enough near the limit: stop well before,
 * at three quarters of the limit and at least 64 MiB below it. The limit counts the young
 * generation's reservation (48 MiB in Node 20), which old objects cannot use: with a small
 * heap (`--max-old-space-size=100`, a limit of 148 MiB) three quarters of it lie past the
 * old generation's own limit, where V8 aborts.
 */
const heapStop = Math.min(heapLimit * 0.75, heapLimit - 64 * 2 ** 20)

/** Why memory is exhausted ('resident' or 'heap'), or undefined while it is not. */
export function memoryExhausted(capBytes: number): 'resident' | 'heap' | undefined {
  // no cap (a parallel search's workers: the coordinator watches the process): no system call
  if (capBytes !== Infinity && process.memoryUsage.rss() >= capBytes) return 'resident'
  if (getHeapStatistics().used_heap_size >= heapStop) return 'heap'
  return undefined
}

/** `--memory-limit` values: bytes, or a number with K, M, G (binary units), or a percentage of the machine's memory. */
export function parseMemorySize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(%|[KMG]i?B?|B)?$/i.exec(text.trim())
  if (!m) return undefined
  const n = Number(m[1])
  const unit = (m[2] ?? 'B').toUpperCase()
  if (unit === '%') return n > 0 && n <= 100 ? Math.floor((totalmem() * n) / 100) : undefined
  const scale = unit.startsWith('K') ? 2 ** 10 : unit.startsWith('M') ? 2 ** 20 : unit.startsWith('G') ? 2 ** 30 : 1
  const bytes = Math.floor(n * scale)
  return bytes > 0 ? bytes : undefined
}
