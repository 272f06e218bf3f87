// The entry of a worker thread when rkcheck runs from its TypeScript sources (through tsx,
// or under the tests): registers tsx in this thread, which does not inherit the main
// thread's loader, then loads the worker module named in `workerData.module`.
import { workerData } from 'node:worker_threads'

const { register } = await import('tsx/esm/api')
register()
await import(workerData.module)
