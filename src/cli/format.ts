/** Number and table formatting shared by the CLI's reports. */
import Table from 'cli-table3'

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

export function secs(s: number): string {
  return s < 10 ? s.toFixed(2) : s.toFixed(1)
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`
}

export function prob(p: number): string {
  return p === 0 ? '0' : p.toExponential(1)
}

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const t = new Table({ head: [...head], style: { head: [], border: [] } })
  for (const r of rows) t.push([...r])
  return t.toString()
}
