// The internal error type: every failure carries an operation, a machine code and its cause (design §5).

/** Machine-readable error codes, after Go asynq's internal/errors codes plus Vigil's own. */
export type ErrorCode =
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "FAILED_PRECONDITION"
  | "INVALID_ARGUMENT"
  | "CORRUPT"
  | "UNAVAILABLE"
  | "INTERNAL"
  | "UNKNOWN";

/** Base of every error Vigil throws. `op` names the operation as `module.method`. */
export class AsynqError extends Error {
  override name = "AsynqError";
  /** The operation that failed, e.g. `inspector.runTask`. */
  readonly op: string;
  /** Machine code of the failure. */
  readonly code: ErrorCode;
  constructor(op: string, code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.op = op;
    this.code = code;
  }
}

/** True when `e` is any Vigil error. */
export function isAsynqError(e: unknown): e is AsynqError {
  return e instanceof AsynqError;
}
