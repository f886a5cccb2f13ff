import type { Test } from 'supertest';

/**
 * The binary tensor data extension as a client writes and reads it (Triton's
 * extension_binary_data): a JSON header, then each tensor's little-endian bytes.
 */
export interface BinaryBody {
  body: Buffer;
  headerLength: number;
}

/** A request body: `header` as JSON, then `tensors`' bytes in order. */
export function binaryBody(header: object, ...tensors: Buffer[]): BinaryBody {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  return { body: Buffer.concat([json, ...tensors]), headerLength: json.length };
}

export const float32Bytes = (values: number[]) => Buffer.from(Float32Array.from(values).buffer);
export const int64Bytes = (values: number[]) => Buffer.from(BigInt64Array.from(values, (v) => BigInt(v)).buffer);
/** BYTES elements: each a 4-byte little-endian length, then its UTF-8 bytes. */
export const stringBytes = (values: string[]) =>
  Buffer.concat(
    values.flatMap((value) => {
      const bytes = Buffer.from(value, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );

/** Sends a binary body as application/octet-stream with its header length; the answer is read as bytes. */
export function sendBinary(request: Test, { body, headerLength }: BinaryBody, length: string | number = headerLength) {
  return rawBytes(
    request
      .set('Content-Type', 'application/octet-stream')
      .set('Inference-Header-Content-Length', String(length))
      .send(body),
  );
}

/**
 * Reads the answer as bytes (supertest keeps no text for binary types); a JSON answer keeps its text
 * too, so the OpenAPI check of every answer still reads it.
 */
export const rawBytes = (request: Test) =>
  request.buffer(true).parse((response, callback) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => {
      const bytes = Buffer.concat(chunks);
      if (/json/.test(String(response.headers['content-type'])))
        (response as unknown as { text: string }).text = bytes.toString('utf8');
      callback(null, bytes);
    });
  });

/** Splits a binary answer into its JSON header and the bytes of each binary output, as the header sizes them. */
export function readBinaryAnswer(body: Buffer, headerLength: number) {
  const header = JSON.parse(body.subarray(0, headerLength).toString('utf8')) as {
    outputs: { name: string; datatype: string; shape: number[]; parameters?: { binary_data_size?: number } }[];
  } & Record<string, unknown>;
  let offset = headerLength;
  const bytes = new Map<string, Buffer>();
  for (const output of header.outputs) {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) continue;
    bytes.set(output.name, body.subarray(offset, offset + size));
    offset += size;
  }
  if (offset !== body.length) throw new Error(`${body.length - offset} bytes after the binary outputs`);
  return { header, bytes };
}

export const float32Values = (bytes: Buffer) =>
  Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));
export const int64Values = (bytes: Buffer) =>
  Array.from(new BigInt64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)), Number);
export function stringValues(bytes: Buffer): string[] {
  const values: string[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const length = bytes.readUInt32LE(offset);
    values.push(bytes.toString('utf8', offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return values;
}
