/**
 * Bad input from the user (unknown model, bad parameter, malformed trace): the CLI
 * prints the message as one line and exits 2.
 */
export class InputError extends Error {
  override readonly name: string = 'InputError'
}

/**
 * A model that breaks its contract (no initial state, a function that throws, a value
 * outside the domain of states): one line, exit 2, never a verdict.
 */
export class ModelError extends InputError {
  override readonly name = 'ModelError'
}
