/**
 * Worker threads of rkcheck's own modules (`verify --jobs`, parallel search): how to start
 * one from compiled JavaScript or from the TypeScript sources, and the error a worker
 * reports rebuilt as the same class (bad input and broken models stay one line, exit 2).
 */
import { Worker } from 'node:worker_threads'
import { InputError, ModelError } from './errors.ts'

/** Starts the worker module `name` (without extension) beside the module `base` (its `import.meta.url`). */
export function startWorker(base: string, name: string, data: Record<string, unknown> = {}): Worker {
  const fromSource = base.endsWith('.ts')
  const module = new URL(`${name}${fromSource ? '.ts' : '.js'}`, base).href
  const entry = fromSource ? new URL('./worker-boot.mjs', import.meta.url) : new URL(module)
  return new Worker(entry, { workerData: { ...data, module } })
}

export interface ThreadError {
  readonly name: string
  readonly message: string
  readonly stack?: string
}

export function threadError(e: unknown): ThreadError {
  const err = e instanceof Error ? e : new Error(String(e))
  return { name: err.name, message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) }
}

export function rebuildError(m: ThreadError): Error {
  let e: Error
  if (m.name === 'ModelError') e = new ModelError(m.message)
  else if (m.name === 'InputError') e = new InputError(m.message)
  else {
    e = new Error(m.message)
    e.name = m.name
  }
  if (m.stack !== undefined) e.stack = m.stack
  return e
}
