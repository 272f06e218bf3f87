import { readFileSync } from 'node:fs'

/** The tool version from package.json (written into every trace's #meta). */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version
