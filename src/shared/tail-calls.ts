import type { Frame, TailCall } from './crash-model';

/** A frame of the stack as it ran: a stored frame, or one of the tail calls inferred between two of them. */
export interface ShownFrame extends Frame {
  /** Set on a frame inferred from tail calls: the debugger's frame it sits above keeps the index. */
  tailCall?: Pick<TailCall, 'certain'>;
}

/**
 * The frames with the tail calls inferred between them, innermost first, as the stack ran: each
 * frame's tail calls sit above it, the last one called nearest the frame above. An inferred frame
 * takes the index of the frame that called it, whose console frame is the nearest to it.
 */
export function withTailCalls<F extends Frame>(frames: F[]): Array<(F & { tailCall?: undefined }) | ShownFrame> {
  return frames.flatMap((frame): Array<(F & { tailCall?: undefined }) | ShownFrame> => [
    ...[...(frame.tailCalls ?? [])].reverse().map((call): ShownFrame => ({
      index: frame.index,
      address: call.address,
      function: call.function,
      file: call.file,
      line: call.line,
      module: frame.module,
      inline: call.inline ?? false,
      tailCall: { certain: call.certain },
    })),
    frame,
  ]);
}

/** What a person reads beside an inferred frame. */
export const tailCallWords = (call: Pick<TailCall, 'certain'>): string =>
  call.certain ? 'tail call (inferred)' : 'tail call (inferred; one of several possible)';
