/**
 * A Bolt 5.1-5.8 server just big enough for neo4j-driver on loopback: it
 * agrees on the newest of those the driver offers (5.8 with neo4j-driver 6
 * and 5.28; 5.2 with 5.8, the oldest the peer range admits), answers HELLO,
 * LOGON, BEGIN/RUN/PULL/COMMIT (every statement returns one row, `n = 1`),
 * RESET and GOODBYE, and records every message, so a test can read what the
 * driver really sent (the principal, the credentials, the database) without
 * a Neo4j server.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** One message the driver sent. */
export interface BoltMessage {
  name: string;
  fields: unknown[];
}

const NAMES: Record<number, string> = {
  1: 'HELLO',
  2: 'GOODBYE',
  15: 'RESET',
  16: 'RUN',
  17: 'BEGIN',
  18: 'COMMIT',
  19: 'ROLLBACK',
  47: 'DISCARD',
  63: 'PULL',
  84: 'TELEMETRY',
  106: 'LOGON',
  107: 'LOGOFF',
};
const SUCCESS = 0x70;
const RECORD = 0x71;

export interface FakeBoltServer {
  /** `bolt://127.0.0.1:<port>`. */
  url: string;
  messages: BoltMessage[];
  /** Connections the driver opened. */
  readonly connections: number;
  /** Holds the answers to RUN back until the returned function is called (a slow query). */
  holdRuns(): () => void;
  close(): Promise<void>;
}

export async function startFakeBoltServer(): Promise<FakeBoltServer> {
  const messages: BoltMessage[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let held: Promise<void> | undefined;
  const server: Server = createServer((socket) => {
    connections++;
    socket.setNoDelay(true); // answers go out at once, not after a delayed ACK
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let handshaken = false;
    let chunks: Buffer[] = [];
    socket.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      if (!handshaken) {
        if (buffer.length < 20) return;
        const minor = agreedMinor(buffer.subarray(4, 20));
        buffer = buffer.subarray(20);
        handshaken = true;
        // No 5.1+ offered (LOGON, which the tests read, came with 5.1): 0 refuses the connection.
        socket.write(Buffer.from(minor === undefined ? [0, 0, 0, 0] : [0, 0, minor, 5]));
      }
      while (buffer.length >= 2) {
        const size = buffer.readUInt16BE(0);
        if (buffer.length < 2 + size) return;
        const chunk = buffer.subarray(2, 2 + size);
        buffer = buffer.subarray(2 + size);
        if (size > 0) {
          chunks.push(chunk);
          continue;
        }
        const message = decodeMessage(Buffer.concat(chunks));
        chunks = [];
        messages.push(message);
        const answer = () => {
          for (const reply of replyTo(message)) socket.write(frame(reply));
          if (message.name === 'GOODBYE') socket.end();
        };
        // Answers keep their order: once one is held, the ones after it wait too.
        if (held && message.name !== 'GOODBYE') held = held.then(answer);
        else answer();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `bolt://127.0.0.1:${port}`,
    messages,
    get connections() {
      return connections;
    },
    holdRuns() {
      let release = () => {};
      held = new Promise<void>((resolve) => {
        release = () => {
          resolve();
          held = undefined;
        };
      });
      return () => release();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The newest Bolt 5.x minor, 1 to 8, among the driver's four proposals (each `[0, range, minor,
 * major]`: minors `minor - range` to `minor`); undefined when none is offered.
 */
function agreedMinor(proposals: Buffer): number | undefined {
  let agreed: number | undefined;
  for (let at = 0; at < 16; at += 4) {
    const [, range = 0, minor = 0, major] = proposals.subarray(at, at + 4);
    if (major !== 5) continue;
    const newest = Math.min(minor, 8);
    if (newest >= Math.max(1, minor - range)) agreed = Math.max(agreed ?? 0, newest);
  }
  return agreed;
}

function replyTo({ name }: BoltMessage): Buffer[] {
  switch (name) {
    case 'HELLO':
      return [struct(SUCCESS, [{ server: 'Neo4j/5.26.0', connection_id: 'bolt-1', hints: {} }])];
    case 'RUN':
      return [struct(SUCCESS, [{ fields: ['n'], t_first: 0, qid: 0 }])];
    case 'PULL':
      return [struct(RECORD, [[1]]), struct(SUCCESS, [{ has_more: false, t_last: 0, type: 'r' }])];
    case 'COMMIT':
      return [struct(SUCCESS, [{ bookmark: 'FB:fake' }])];
    case 'GOODBYE':
      return [];
    default:
      return [struct(SUCCESS, [{}])];
  }
}

function frame(message: Buffer): Buffer {
  const header = Buffer.alloc(2);
  header.writeUInt16BE(message.length);
  return Buffer.concat([header, message, Buffer.from([0, 0])]);
}

function decodeMessage(bytes: Buffer): BoltMessage {
  const reader = { bytes, at: 0 };
  const marker = bytes[reader.at++] as number;
  const signature = bytes[reader.at++] as number;
  const fields: unknown[] = [];
  for (let i = 0; i < (marker & 0x0f); i++) fields.push(decode(reader));
  return { name: NAMES[signature] ?? `0x${signature.toString(16)}`, fields };
}

function decode(r: { bytes: Buffer; at: number }): unknown {
  const m = r.bytes[r.at++] as number;
  const read = (n: number) => {
    const slice = r.bytes.subarray(r.at, r.at + n);
    r.at += n;
    return slice;
  };
  const str = (n: number) => read(n).toString('utf8');
  const list = (n: number) => Array.from({ length: n }, () => decode(r));
  const map = (n: number) =>
    Object.fromEntries(Array.from({ length: n }, () => [decode(r) as string, decode(r)]));
  if (m < 0x80) return m;
  if (m >= 0xf0) return m - 0x100;
  if (m >= 0x80 && m <= 0x8f) return str(m & 0x0f);
  if (m >= 0x90 && m <= 0x9f) return list(m & 0x0f);
  if (m >= 0xa0 && m <= 0xaf) return map(m & 0x0f);
  if (m >= 0xb0 && m <= 0xbf) {
    const signature = r.bytes[r.at++];
    return { signature, fields: list(m & 0x0f) };
  }
  switch (m) {
    case 0xc0:
      return null;
    case 0xc1:
      return read(8).readDoubleBE(0);
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xc8:
      return read(1).readInt8(0);
    case 0xc9:
      return read(2).readInt16BE(0);
    case 0xca:
      return read(4).readInt32BE(0);
    case 0xcb:
      return Number(read(8).readBigInt64BE(0));
    case 0xd0:
      return str(read(1).readUInt8(0));
    case 0xd1:
      return str(read(2).readUInt16BE(0));
    case 0xd4:
      return list(read(1).readUInt8(0));
    case 0xd8:
      return map(read(1).readUInt8(0));
    default:
      throw new Error(`fake Bolt server: unsupported PackStream marker 0x${m.toString(16)}`);
  }
}

function struct(signature: number, fields: unknown[]): Buffer {
  return Buffer.concat([Buffer.from([0xb0 | fields.length, signature]), ...fields.map(encode)]);
}

function encode(value: unknown): Buffer {
  if (value === null || value === undefined) return Buffer.from([0xc0]);
  if (typeof value === 'boolean') return Buffer.from([value ? 0xc3 : 0xc2]);
  if (typeof value === 'number') {
    if (value >= -16 && value < 128) return Buffer.from([value & 0xff]);
    const out = Buffer.alloc(5);
    out[0] = 0xca;
    out.writeInt32BE(value, 1);
    return out;
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    const head = bytes.length < 16 ? [0x80 | bytes.length] : [0xd0, bytes.length];
    return Buffer.concat([Buffer.from(head), bytes]);
  }
  if (Array.isArray(value)) {
    return Buffer.concat([Buffer.from([0x90 | value.length]), ...value.map(encode)]);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return Buffer.concat([
    Buffer.from([0xa0 | entries.length]),
    ...entries.flatMap(([key, item]) => [encode(key), encode(item)]),
  ]);
}
