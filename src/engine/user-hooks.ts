import type { ActionRecord } from '../store/records.ts';
import { userCodeError } from '../util/user-code.ts';
import type { EngineHooks } from './engine-hooks.ts';

/**
 * A library user's own hooks (RunOptions.hooks, ReplayOptions.hooks), each made to throw a
 * UserCodeError that names it (`hooks.onAction()`, with the action it was told of) when it
 * throws: the run stops there (exit 6), as for any code of the user's beamulator calls. Without
 * this, a hook that throws while an action is recorded would read as a crash of the behavior
 * whose turn it was.
 *
 * @example
 * runSimulationInternal(sim, { ...options, hooks: userHooks(options.hooks, 'RunOptions') });
 */
export function userHooks(hooks: EngineHooks | undefined, owner: string): EngineHooks | undefined {
  if (!hooks) return hooks;
  const wrapped: EngineHooks = {};
  for (const name of Object.keys(hooks) as Array<keyof EngineHooks>) {
    const hook = hooks[name] as ((row: unknown) => void) | undefined;
    if (typeof hook !== 'function') continue;
    (wrapped as Record<string, (row: unknown) => void>)[name] = (row: unknown) => {
      try {
        hook.call(hooks, row);
      } catch (thrown) {
        const action = name === 'onAction' ? row as ActionRecord : null;
        throw userCodeError(`${owner}.hooks.${name}()`, thrown, action ? { action: { seq: action.seq, action: action.action, actorId: action.actorId } } : {});
      }
    };
  }
  return wrapped;
}
