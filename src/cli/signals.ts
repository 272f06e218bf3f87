/**
 * SIGINT and SIGTERM during a search: the first one asks the search to stop (it ends with
 * verdict `limit`, interrupted: statistics, coverage, `--json` written, exit 3); a second
 * one ends the process at once.
 */
export async function whileInterruptible<T>(run: (interrupted: () => boolean) => Promise<T>): Promise<T> {
  let stop = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop) process.exit(signal === 'SIGINT' ? 130 : 143)
    stop = true
    process.stderr.write(`\nrkcheck: ${signal}: stopping the search (again to quit at once)\n`)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    return await run(() => stop)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
