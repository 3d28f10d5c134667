import { brotliCompressSync, brotliDecompressSync, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';

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
    const plain = encoding === 'gzip' ? gunzipSync(bytes) : encoding === 'br' ? brotliDecompressSync(bytes) : inflateSync(bytes);
    return plain.toString('utf8');
  } catch {
    return undefined;
  }
}

/** A body wflo rewrote, compressed again with the coding the caller declared. */
export function encodeBody(text: string, encoding: Exclude<BodyEncoding, null>): Uint8Array<ArrayBuffer> {
  const buffer = encoding === 'gzip' ? gzipSync(text) : encoding === 'br' ? brotliCompressSync(text) : deflateSync(text);
  return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}
