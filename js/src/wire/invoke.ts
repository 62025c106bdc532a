// anywidget commands: experimental.invoke where the host offers it, else the same wire protocol.
import type { AnyModel, Experimental } from "@anywidget/types";

/** How a command is sent: `buffers` carry bulk bytes beside the message (an image file, pixels). */
export interface InvokeOptions {
  signal?: AbortSignal;
  buffers?: DataView[];
}

export type Invoke = <T>(name: string, msg: unknown, options?: InvokeOptions) => Promise<[T, DataView[]]>;

/** How long a command may take before it is given up (anywidget's own default is 3 s). */
export const COMMAND_TIMEOUT_MS = 30_000;

interface CommandResponse {
  id?: unknown;
  kind?: unknown;
  response?: unknown;
}

let counter = 0;
function nextId(): string {
  counter += 1;
  const random = globalThis.crypto?.randomUUID?.() ?? Math.random().toString(36).slice(2);
  return `lw-${counter}-${random}`;
}

/** An AbortSignal that fires when `signal` does or after `ms`, whichever comes first. */
export function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Speak anywidget's command protocol over `model.send` / `msg:custom`. */
export function fallbackInvoke(model: AnyModel, timeoutMs = COMMAND_TIMEOUT_MS): Invoke {
  return <T>(name: string, msg: unknown, options: InvokeOptions = {}) =>
    new Promise<[T, DataView[]]>((resolve, reject) => {
      const signal = withTimeout(options.signal, timeoutMs);
      const id = nextId();
      const handler = (content: CommandResponse, buffers: DataView[]) => {
        if (content?.kind !== "anywidget-command-response" || content.id !== id) return;
        finish();
        resolve([content.response as T, buffers ?? []]);
      };
      const onAbort = () => {
        finish();
        reject(signal.reason ?? new Error(`command ${name} aborted`));
      };
      const finish = () => {
        model.off("msg:custom", handler);
        signal.removeEventListener("abort", onAbort);
      };
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      signal.addEventListener("abort", onAbort);
      model.on("msg:custom", handler);
      model.send({ id, kind: "anywidget-command", name, msg }, undefined, options.buffers);
    });
}

/** A host's invoke that only says it cannot (marimo's throws "anywidget.invoke not supported"). */
function isUnsupported(error: unknown): boolean {
  return error instanceof Error && /not supported/i.test(error.message);
}

/**
 * The invoke to use: anywidget's when `experimental` has one (always with a signal), else the
 * fallback; also the fallback from the first time the host's invoke says it is unsupported.
 */
export function createInvoke(model: AnyModel, experimental?: Partial<Experimental>): Invoke {
  const native = experimental?.invoke;
  const fallback = fallbackInvoke(model);
  if (typeof native !== "function") return fallback;
  let unsupported = false;
  return async <T>(name: string, msg: unknown, options: InvokeOptions = {}) => {
    if (unsupported) return fallback<T>(name, msg, options);
    try {
      return await native<T>(name, msg, { signal: withTimeout(options.signal, COMMAND_TIMEOUT_MS), buffers: options.buffers });
    } catch (error) {
      if (!isUnsupported(error)) throw error;
      unsupported = true;
      return fallback<T>(name, msg, options);
    }
  };
}
