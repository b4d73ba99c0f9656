/**
 * Thrown by a connector when the target could not be reached or did not answer in
 * time. The action's outcome becomes `error` (not `crash`): a down target is data, and the run goes on.
 */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(message: string, readonly kind: 'unreachable' | 'timeout' | 'protocol', options?: { cause?: unknown }) {
    super(message, options);
  }
}
