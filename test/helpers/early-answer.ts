import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';

export interface EarlyAnswer {
  status: number;
  body: string;
}

/**
 * Sends a request's headers, announcing `bodyBytes` of body, and reads the answer without writing
 * the body: what a client streaming a large body has when the server answers from Content-Length
 * (a 413) and closes the connection. Writing the body as well races that close: the client may get
 * EPIPE before it reads the answer.
 */
export function answerBeforeBody(
  url: string,
  headers: OutgoingHttpHeaders,
  bodyBytes: number,
  method = 'POST',
): Promise<EarlyAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers: { ...headers, 'content-length': String(bodyBytes) } });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        request.destroy();
      });
    });
    request.on('error', reject);
    request.flushHeaders();
  });
}
