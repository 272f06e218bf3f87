/**
 * Bad input from the user (unknown model, bad parameter, malformed trace): the CLI
 * prints the message as one line and exits 2.
 */
export class InputError extends Error {
  override readonly name = 'InputError'
}
