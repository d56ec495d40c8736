import { contract, type MethodName, type RpcResult } from '../../shared/contract';
import { describeIssues } from '../../shared/validation';

export type Invoke = (method: MethodName, input: unknown) => Promise<RpcResult<unknown>>;

function failure(code: 'bad_request' | 'forbidden' | 'internal', message: string): RpcResult<never> {
  return { ok: false, error: { code, message } };
}

/**
 * One IPC call through the gate: refuse untrusted senders, insist on exactly one argument, parse it
 * from `unknown` with the contract's schema, then dispatch. Never throws: every outcome is an
 * RpcResult, and an unexpected error is reported by code only (its text may hold user data).
 */
export async function gatedCall(
  method: MethodName,
  args: readonly unknown[],
  trusted: boolean,
  invoke: Invoke,
  onError: (method: MethodName, error: unknown) => void,
): Promise<RpcResult<unknown>> {
  if (!trusted) return failure('forbidden', 'IPC sender is not the app window');
  if (args.length !== 1) return failure('bad_request', `${method} takes exactly one argument`);
  const parsed = contract[method].input.safeParse(args[0]);
  if (!parsed.success) {
    return failure('bad_request', describeIssues(parsed.error.issues));
  }
  try {
    return await invoke(method, parsed.data);
  } catch (error) {
    onError(method, error);
    return failure('internal', 'Internal error');
  }
}
