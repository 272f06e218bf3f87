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

/** Bytes in the largest binary unit that keeps a number of at least 1: 512 B, 140 KiB, 2.2 GiB. */
export function byteSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  while (bytes >= 1024 && i < units.length - 1) {
    bytes /= 1024
    i++
  }
  return `${i === 0 || bytes >= 10 ? bytes.toFixed(0) : bytes.toFixed(1)} ${units[i]}`
}

export function prob(p: number): string {
  return p === 0 ? '0' : p.toExponential(1)
}

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const t = new Table({ head: [...head], style: { head: [], border: [] } })
  for (const r of rows) t.push([...r])
  return t.toString()
}
