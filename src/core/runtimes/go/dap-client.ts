/**
 * A Debug Adapter Protocol client over one loopback socket, for Delve's `dlv dap`: requests
 * answered by sequence number, every answer checked for its shape, each request under a deadline.
 */

import { Socket, connect } from 'node:net';

/** An answer larger than this is refused: no view here asks for more than a few thousand frames. */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export interface DapResponse {
  success: boolean;
  message?: string;
  body?: unknown;
}

export class DapClient {
  private buffer = Buffer.alloc(0);
  private sequence = 1;
  private readonly waiting = new Map<number, { resolve: (r: DapResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(new Error(`the connection to the debug adapter failed: ${error.message}`)));
    socket.on('close', () => this.fail(new Error('the debug adapter closed the connection')));
  }

  static open(port: number, timeoutMs: number): Promise<DapClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`the debug adapter on 127.0.0.1:${port} did not accept a connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new DapClient(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`could not connect to the debug adapter on 127.0.0.1:${port}: ${error.message}`));
      });
    });
  }

  request(command: string, args: Record<string, unknown>, timeoutMs: number): Promise<DapResponse> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.sequence++;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        reject(new Error(`the debug adapter did not answer ${command} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(seq, { resolve, reject, timer });
      this.socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const [seq, waiter] of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.reject(this.failure);
      this.waiting.delete(seq);
    }
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /Content-Length: *(\d+)/i.exec(this.buffer.subarray(0, end).toString('latin1'))?.[1];
      if (length === undefined || Number(length) > MAX_MESSAGE_BYTES) {
        this.fail(new Error('the debug adapter sent a message without a valid Content-Length'));
        this.socket.destroy();
        return;
      }
      const total = end + 4 + Number(length);
      if (this.buffer.length < total) return;
      const text = this.buffer.subarray(end + 4, total).toString('utf8');
      this.buffer = this.buffer.subarray(total);
      this.dispatch(text);
    }
  }

  private dispatch(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.fail(new Error('the debug adapter sent a message that is not JSON'));
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as Record<string, unknown>;
    if (m.type !== 'response' || typeof m.request_seq !== 'number') return;
    const waiter = this.waiting.get(m.request_seq);
    if (!waiter) return;
    this.waiting.delete(m.request_seq);
    clearTimeout(waiter.timer);
    waiter.resolve({
      success: m.success === true,
      ...(typeof m.message === 'string' ? { message: m.message } : {}),
      ...(m.body !== undefined ? { body: m.body } : {}),
    });
  }
}
