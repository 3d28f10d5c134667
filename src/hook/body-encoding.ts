import zlib from 'node:zlib';

/** A request body's content coding, as wflo reads and writes it; null for none (identity). */
export type BodyEncoding = 'gzip' | 'deflate' | 'br' | null;

/** The coding named by a content-encoding header; undefined when wflo cannot read it (unknown or stacked codings). */
export function bodyEncoding(header: string | null): BodyEncoding | undefined {
  const value = header?.trim().toLowerCase();
  if (!value || value === 'identity') return null;
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate' || value === 'br') return value;
  return undefined;
}

/** The text of a compressed body (so wflo meters what the provider will read); undefined when it does not decompress. */
export function decodeBody(bytes: Uint8Array, encoding: Exclude<BodyEncoding, null>): string | undefined {
  try {
    const plain = encoding === 'gzip' ? zlib.gunzipSync(bytes) : encoding === 'br' ? zlib.brotliDecompressSync(bytes) : zlib.inflateSync(bytes);
    return plain.toString('utf8');
  } catch {
    return undefined;
  }
}

/** A body wflo rewrote, compressed again with the coding the caller declared. */
export function encodeBody(text: string, encoding: Exclude<BodyEncoding, null>): Uint8Array<ArrayBuffer> {
  const buffer = encoding === 'gzip' ? zlib.gzipSync(text) : encoding === 'br' ? zlib.brotliCompressSync(text) : zlib.deflateSync(text);
  return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}
