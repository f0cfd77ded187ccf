// A TCP connection to one gdb client that the emulator can use synchronously. The emulation loop is
// synchronous (a stop is served from inside it, so nothing of the run's state needs saving), so the
// socket lives in a worker thread that forwards what arrives through a MessagePort; the main thread
// takes messages with `receiveMessageOnPort` and sleeps in `Atomics.wait` until the worker bumps a
// shared counter. The worker's code is inline so the CLI bundle needs no extra file.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** Messages from the socket worker. */
type FromWorker =
  | { readonly type: 'listening'; readonly host: string; readonly port: number }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'connect' }
  | { readonly type: 'data'; readonly data: Uint8Array }
  | { readonly type: 'close' }
  /** After `close()`: what was sent has been handed to the OS and the socket is half-closed. */
  | { readonly type: 'ended' };

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const net = require('node:net');
const { port: out, counter, host, listenPort } = workerData;
const seq = new Int32Array(counter);
const post = (m) => { out.postMessage(m); Atomics.add(seq, 0, 1); Atomics.notify(seq, 0); };
let client = null;
const server = net.createServer((socket) => {
  if (client !== null) { socket.destroy(); return; }
  client = socket;
  socket.setNoDelay(true);
  post({ type: 'connect' });
  socket.on('data', (data) => post({ type: 'data', data: new Uint8Array(data) }));
  socket.on('close', () => { client = null; post({ type: 'close' }); });
  socket.on('error', () => {});
});
server.on('error', (e) => post({ type: 'error', message: e.code ? e.code + ': ' + e.message : String(e.message) }));
server.listen(listenPort, host, () => { const a = server.address(); post({ type: 'listening', host: a.address, port: a.port }); });
out.on('message', (m) => {
  if (m.type === 'send' && client !== null) client.write(Buffer.from(m.data));
  if (m.type === 'close') {
    server.close();
    const ended = () => { post({ type: 'ended' }); out.close(); };
    if (client !== null) client.end(ended); else ended();
  }
});
`;

/** The listening address, and the sync operations the debugger uses. */
export class GdbConnection {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counter: Int32Array;
  private pending: FromWorker[] = [];
  /** The address it listens on (the real port when 0 was asked for). */
  readonly host: string;
  readonly listenPort: number;
  connected = false;

  /** Starts listening; throws an Error with the socket's reason when it cannot. */
  constructor(host: string, listenPort: number) {
    const { port1, port2 } = new MessageChannel();
    const counter = new SharedArrayBuffer(4);
    this.counter = new Int32Array(counter);
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, counter, host, listenPort },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
    const first = this.next(10_000);
    if (first === undefined) throw new Error('the socket did not open within 10 s');
    if (first.type === 'error') throw new Error(first.message);
    if (first.type !== 'listening') throw new Error(`unexpected ${first.type}`);
    this.host = first.host;
    this.listenPort = first.port;
  }

  /** The next message, waiting at most `timeoutMs` (Infinity: until one comes); undefined on time-out. */
  private next(timeoutMs: number): FromWorker | undefined {
    const queued = this.pending.shift();
    if (queued !== undefined) return queued;
    for (;;) {
      const seen = Atomics.load(this.counter, 0);
      const message = receiveMessageOnPort(this.port);
      if (message !== undefined) return message.message as FromWorker;
      if (Atomics.wait(this.counter, 0, seen, timeoutMs) === 'timed-out') {
        const late = receiveMessageOnPort(this.port);
        return late === undefined ? undefined : (late.message as FromWorker);
      }
    }
  }

  /** Blocks until a client connects (true) or `timeoutMs` passes (false). */
  waitForClient(timeoutMs = Infinity): boolean {
    while (!this.connected) {
      const m = this.next(timeoutMs);
      if (m === undefined) return false;
      if (m.type === 'connect') this.connected = true;
    }
    return true;
  }

  /**
   * Bytes from the client: waits up to `timeoutMs` (0: only what has arrived). Null once the
   * client has gone; an empty array when nothing came in time. A new connection is noted.
   */
  receive(timeoutMs: number): Uint8Array | null {
    for (;;) {
      const m = this.next(timeoutMs);
      if (m === undefined) return new Uint8Array(0);
      if (m.type === 'data') return m.data;
      if (m.type === 'connect') {
        this.connected = true;
        continue;
      }
      if (m.type === 'close') {
        this.connected = false;
        return null;
      }
    }
  }

  /** True when a client connected since the last look, without consuming its data. */
  pollConnect(): boolean {
    if (this.connected) return true;
    for (;;) {
      const m = receiveMessageOnPort(this.port);
      if (m === undefined) return false;
      const message = m.message as FromWorker;
      if (message.type === 'connect') {
        this.connected = true;
        return true;
      }
      this.pending.push(message);
    }
  }

  /** Waits up to `timeoutMs` for the client to close its side (what it still sends is dropped). */
  waitForClose(timeoutMs: number): void {
    const deadline = Date.now() + timeoutMs;
    while (this.connected) {
      const left = deadline - Date.now();
      if (left <= 0 || this.receive(left) === null) return;
    }
  }

  send(bytes: Uint8Array): void {
    this.port.postMessage({ type: 'send', data: bytes });
  }

  /**
   * Ends the session and the listener, waiting (up to `timeoutMs`) until what was sent has left:
   * the process may exit right after, and a loaded machine had not yet written the exit packet.
   */
  close(timeoutMs = 2000): void {
    this.port.postMessage({ type: 'close' });
    const deadline = Date.now() + timeoutMs;
    for (let left = timeoutMs; left > 0; left = deadline - Date.now()) {
      const m = this.next(left);
      if (m === undefined || m.type === 'ended') break;
    }
    void this.worker.terminate();
  }
}
