/** An answer with its status and a message that says what to do, for the client's mistakes. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
