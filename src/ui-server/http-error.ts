/** An API answer other than 200: its status and the one-line message sent as `{ "error": message }`. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = new.target.name;
  }
}

/** 404 for an id the store does not have. */
export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, `no ${what} with id "${id}"`);
}
