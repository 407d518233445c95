import type net from "node:net";
import type tls from "node:tls";
import { errorClass } from "../../errors.ts";
import {
  type BodySink,
  HttpProtocolError,
  HttpResponseParser,
  type ResponseHead,
} from "./http-response-parser.ts";

/**
 * A read was cut off: its connection failed, went quiet or ended too soon (or the server answered
 * "try again"). When `transient`, asking again on a new connection may pass; otherwise (a
 * certificate that does not verify, say) it will not.
 */
export class ReadInterruptedError extends errorClass("STORAGE_READ_INTERRUPTED") {
  constructor(
    message: string,
    readonly transient = true,
  ) {
    super(message);
  }
}

/** Socket errors after which another try may pass (the network, the server's load). */
const transientCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

/** A socket's error as a ReadInterruptedError, transient or not. */
function connectionError(error: NodeJS.ErrnoException, host: string): ReadInterruptedError {
  const transient = error.code !== undefined && transientCodes.has(error.code);
  return new ReadInterruptedError(
    transient ? `${error.code} from ${host}` : `${host}: ${error.message}`,
    transient,
  );
}

const scratchBytes = 64 << 10;

/**
 * node:net and node:tls, loaded when a connection first needs them: every vault worker loads this
 * module, and most (backups, local restores) never connect; loading both cost each worker's start
 * about 11 ms.
 */
const sockets = {
  net: () => process.getBuiltinModule("node:net"),
  tls: () => process.getBuiltinModule("node:tls"),
};

/**
 * One HTTP/1.1 connection (TCP or TLS) that reads its socket through `onread`: a body's bytes land
 * straight in the memory its sink offers, with no buffer allocated or copied per read.
 */
class Connection {
  private readonly scratch = Buffer.allocUnsafeSlow(scratchBytes);
  private parser: HttpResponseParser | undefined;
  /** The memory the pending read was offered, when it was the sink's. */
  private offered: Buffer | undefined;
  private current: { resolve: (head: ResponseHead) => void; reject: (error: Error) => void } | undefined;
  private head: ResponseHead | undefined;
  private readonly socket: net.Socket;
  readonly ready: Promise<void>;
  dead = false;

  constructor(
    readonly origin: URL,
    idleTimeoutMs: number,
    private readonly idle: (connection: Connection) => void,
  ) {
    const onread: net.OnReadOpts = {
      buffer: () => this.nextReadBuffer(),
      callback: (bytes, buffer) => {
        this.arrived(bytes, buffer);
        return true;
      },
    };
    const port = Number(origin.port) || (origin.protocol === "https:" ? 443 : 80);
    const host = origin.hostname.replace(/^\[(.*)\]$/, "$1");
    // tls.connect takes onread as net.connect does (Node's documentation); its types leave it out.
    const secure: tls.ConnectionOptions & { onread: net.OnReadOpts } = {
      host,
      port,
      servername: sockets.net().isIP(host) ? undefined : host,
      ALPNProtocols: ["http/1.1"],
      onread,
    };
    this.socket =
      origin.protocol === "https:"
        ? sockets.tls().connect(secure)
        : sockets.net().connect({ host, port, onread });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once(origin.protocol === "https:" ? "secureConnect" : "connect", () => resolve());
      this.socket.once("error", reject);
    });
    this.ready.catch(() => undefined);
    this.socket.setNoDelay(true);
    this.socket.setTimeout(idleTimeoutMs, () =>
      this.fail(new ReadInterruptedError(`no answer from ${origin.host} for ${idleTimeoutMs} ms`)),
    );
    this.socket.on("error", (error: NodeJS.ErrnoException) => this.fail(connectionError(error, origin.host)));
    this.socket.on("end", () => this.ended());
    this.socket.on("close", () =>
      this.fail(new ReadInterruptedError(`${origin.host} closed the connection`)),
    );
  }

  /** Sends a GET and settles with the response's head once all of its body went to its sink. */
  get(
    target: URL,
    headers: Record<string, string>,
    sinkFor: (head: ResponseHead) => BodySink,
  ): Promise<ResponseHead> {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    return new Promise((resolve, reject) => {
      this.current = { resolve, reject };
      this.head = undefined;
      this.parser = new HttpResponseParser((head) => {
        this.head = head;
        return sinkFor(head);
      });
      this.socket.ref();
      this.socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n${lines.join("")}\r\n`,
      );
    });
  }

  close(): void {
    this.dead = true;
    this.socket.destroy();
  }

  private nextReadBuffer(): Buffer {
    this.offered = this.parser?.bodyTarget();
    return this.offered ?? this.scratch;
  }

  private arrived(bytes: number, buffer: Uint8Array): void {
    const parser = this.parser;
    if (!parser || !this.current) {
      // Nothing was asked: a server may only close an idle connection.
      this.fail(new HttpProtocolError(`${this.origin.host} sent bytes nobody asked for`));
      return;
    }
    try {
      if (this.offered && buffer === this.offered) parser.bodyArrived(bytes);
      else parser.feed(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (parser.done) this.finish(parser.reusable);
  }

  private ended(): void {
    if (!this.parser || !this.current) {
      this.close();
      return;
    }
    try {
      this.parser.end();
    } catch {
      this.fail(
        new ReadInterruptedError(`${this.origin.host} closed the connection before its answer was complete`),
      );
      return;
    }
    this.finish(false);
  }

  private finish(reusable: boolean): void {
    const { current, head } = this;
    this.current = undefined;
    this.parser = undefined;
    this.offered = undefined;
    if (reusable) {
      // An idle connection keeps no thread alive.
      this.socket.unref();
      this.idle(this);
    } else this.close();
    current?.resolve(head as ResponseHead);
  }

  private fail(error: Error): void {
    const current = this.current;
    this.current = undefined;
    this.parser = undefined;
    this.close();
    current?.reject(error);
  }
}

/**
 * Keep-alive HTTP/1.1 connections of one thread, by origin: a GET takes an idle one or opens one,
 * and gives it back when its response was read whole (D-59). Only what restore workers need:
 * GET, no request body, no redirects.
 */
export class HttpConnections {
  private readonly idle = new Map<string, Connection[]>();

  constructor(private readonly idleTimeoutMs = 60_000) {}

  /**
   * GETs `url` with `headers`; `sinkFor` picks where the body goes from the response's head. Fails
   * with a ReadInterruptedError when the connection fails or the answer is cut short, an HttpProtocolError
   * when it is not HTTP/1.1.
   */
  async get(
    url: string,
    headers: Record<string, string>,
    sinkFor: (head: ResponseHead) => BodySink,
  ): Promise<ResponseHead> {
    const target = new URL(url);
    if (target.protocol !== "http:" && target.protocol !== "https:")
      throw new Error(`cannot GET ${target.protocol} URLs`);
    const connection = this.take(target);
    try {
      await connection.ready;
    } catch (error) {
      throw connectionError(error as NodeJS.ErrnoException, target.host);
    }
    return connection.get(target, headers, sinkFor);
  }

  close(): void {
    for (const connections of this.idle.values()) for (const connection of connections) connection.close();
    this.idle.clear();
  }

  private take(target: URL): Connection {
    const idle = this.idle.get(target.origin) ?? [];
    for (let connection = idle.pop(); connection; connection = idle.pop()) {
      if (!connection.dead) return connection;
    }
    return new Connection(target, this.idleTimeoutMs, (connection) => {
      const list = this.idle.get(target.origin) ?? [];
      list.push(connection);
      this.idle.set(target.origin, list);
    });
  }
}
