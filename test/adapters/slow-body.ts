import { connect } from 'node:net';

/** What a slow sender saw: the answer, and how much of its body it had sent by then. */
export interface SlowPostOutcome {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes written before the answer's last byte arrived. */
  bodyBytesSent: number;
  declaredLength: number;
  /** Settles when the server closes the connection (or the test does). */
  closed: Promise<'server' | 'client'>;
  /** Closes the connection from our side (after the test's checks). */
  destroy: () => void;
}

export interface SlowPostOptions {
  /** The Content-Length announced. Default 60,000 (under the default 64 KB limit). */
  declaredLength?: number;
  /** Bytes sent with the headers. Default 1,024. */
  firstChunk?: number;
  /** One more byte every `trickleMs` until answered. Default 200. */
  trickleMs?: number;
}

/**
 * POSTs over a raw socket the way a slow (or hostile) sender does: the headers
 * and the first chunk of a body whose declared length is never reached, then
 * a byte every `trickleMs`, until the server answers. Never finishes the body:
 * if the server waits for it, this never settles and the test times out.
 */
export function postSlowly(
  url: string,
  headers: Record<string, string>,
  options: SlowPostOptions = {},
): Promise<SlowPostOutcome> {
  const { declaredLength = 60_000, firstChunk = 1_024, trickleMs = 200 } = options;
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  let closedBy: 'server' | 'client' = 'server';
  const closed = new Promise<'server' | 'client'>((resolve) => {
    socket.once('close', () => resolve(closedBy));
  });
  return new Promise((resolve, reject) => {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let received = Buffer.alloc(0);
    const write = (bytes: number) => {
      if (socket.destroyed || !socket.writable) return;
      socket.write(Buffer.alloc(bytes, 0x61));
      sent += bytes;
    };
    socket.once('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseAnswer(received);
      if (!answer) return;
      clearInterval(timer);
      socket.removeAllListeners('data');
      socket.on('error', () => {}); // a reset after the answer is the server's to send
      resolve({
        ...answer,
        bodyBytesSent: sent,
        declaredLength,
        closed,
        destroy: () => {
          closedBy = 'client';
          socket.destroy();
        },
      });
    });
    socket.once('connect', () => {
      const head = [
        `POST ${target.pathname} HTTP/1.1`,
        `host: ${target.host}`,
        'content-type: application/json',
        `content-length: ${declaredLength}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      write(firstChunk);
      timer = setInterval(() => {
        if (sent < declaredLength - 1) write(1);
      }, trickleMs);
    });
  });
}

/** A complete HTTP/1.1 answer with a Content-Length body, or null while more is due. */
function parseAnswer(bytes: Buffer) {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = bytes.subarray(end + 4);
  if (body.length < length) return null;
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: body.subarray(0, length).toString('utf8'),
  };
}
