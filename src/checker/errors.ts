/**
 * Bad input from the user (unknown model, bad parameter, malformed trace): the CLI
 * prints the message as one line and exits 2. A line break in the message (a name or a
 * path given with one) is shown escaped, `\n`, so that the message stays one line.
 */
export class InputError extends Error {
  override readonly name: string = 'InputError'

  constructor(message: string, options?: ErrorOptions) {
    super(oneLine(message), options)
  }
}

/**
 * A model that breaks its contract (no initial state, a function that throws, a value
 * outside the domain of states): one line, exit 2, never a verdict.
 */
export class ModelError extends InputError {
  override readonly name = 'ModelError'
}

const BREAKS = /[\u0000-\u0008\u000a-\u001f\u007f\u2028\u2029]/g
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r' }

/** `text` on one line: line breaks and other control characters escaped (`\n`, `\u001b`). */
export function oneLine(text: string): string {
  return text.replace(BREAKS, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
