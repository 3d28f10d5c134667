/**
 * Serves a response whose body wflo has already read whole from the bytes it read, on the
 * provider's own Response object: its body methods are shadowed by ones that answer from the
 * bytes. On Node 20 a new Response costs ~45 µs (a ReadableStream made transferable, the headers
 * copied), about as much as the rest of what wflo does for a call; this costs a few property
 * definitions. Status, headers and url are the provider's; only the body's reading changes.
 */
export function serveRead(response: Response, bytes: Buffer, parsed?: unknown): Response {
  let used = false;
  // Parsed by wflo already (for its usage): the first json() gets that object instead of a second parse.
  let unclaimed = parsed;
  let stream: ReadableStream<Uint8Array> | null = null;
  const consume = (): Promise<Buffer> => {
    if (used || stream?.locked) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    used = true;
    return Promise.resolve(bytes);
  };
  const copy = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  const text = (b: Buffer): string => new TextDecoder().decode(b);
  const own = (value: unknown): PropertyDescriptor => ({ value, configurable: true, writable: true });
  Object.defineProperties(response, {
    body: { configurable: true, get: () => (stream ??= new Response(copy(bytes)).body) },
    bodyUsed: { configurable: true, get: () => used || (stream !== null && stream.locked) },
    arrayBuffer: own(() => consume().then(copy)),
    bytes: own(() => consume().then((b) => new Uint8Array(copy(b)))),
    text: own(() => consume().then(text)),
    json: own(() => consume().then((b) => {
      if (unclaimed === undefined) return JSON.parse(text(b)) as unknown;
      const value = unclaimed;
      unclaimed = undefined;
      return value;
    })),
    blob: own(() => consume().then((b) => new Blob([copy(b)], { type: response.headers.get('content-type') ?? '' }))),
    formData: own(() => consume().then((b) => new Response(copy(b), { headers: response.headers }).formData())),
    clone: own(() => {
      if (used || stream?.locked) throw new TypeError('Response.clone: Body has already been consumed.');
      const twin = new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
      Object.defineProperty(twin, 'url', { value: response.url });
      return serveRead(twin, bytes);
    }),
  });
  return response;
}

/**
 * Serves a response through `tapped` (its body as wflo taps it) on the provider's own Response
 * object, for the same reason as serveRead: the body and every way of reading it go through the tap.
 */
export function serveStream(response: Response, tapped: ReadableStream<Uint8Array>): Response {
  let body = tapped;
  let read = false;
  const whole = (): Response => {
    if (read || body.locked) throw new TypeError('Body is unusable: Body has already been read');
    read = true;
    return new Response(body, { headers: response.headers });
  };
  const own = (value: unknown): PropertyDescriptor => ({ value, configurable: true, writable: true });
  const later = <T>(f: () => Promise<T>): Promise<T> => { try { return f(); } catch (err) { return Promise.reject(err); } };
  Object.defineProperties(response, {
    body: { configurable: true, get: () => body },
    bodyUsed: { configurable: true, get: () => read || body.locked },
    arrayBuffer: own(() => later(() => whole().arrayBuffer())),
    bytes: own(() => later(async () => new Uint8Array(await whole().arrayBuffer()))),
    text: own(() => later(() => whole().text())),
    json: own(() => later(() => whole().json())),
    blob: own(() => later(() => whole().blob())),
    formData: own(() => later(() => whole().formData())),
    clone: own(() => {
      if (read || body.locked) throw new TypeError('Response.clone: Body has already been consumed.');
      const [mine, theirs] = body.tee();
      body = mine;
      const twin = new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
      Object.defineProperty(twin, 'url', { value: response.url });
      return serveStream(twin, theirs);
    }),
  });
  return response;
}
