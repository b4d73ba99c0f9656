/**
 * The live dashboard's control operations, over the run's RunControl (population) and, for a
 * paced run, its PaceControl (pause, resume, speed). Each handler checks its JSON arguments and
 * says in one line what is wrong; the controls then check against the run (unknown behavior or
 * actor) and change nothing on a refusal. Every change is recorded by the run as a `control` or
 * `pace` event with the caller's source and client id.
 */
import type { Json } from '../store/records.ts';
import type { ActorQuery, RunControl } from '../engine/run-control.ts';
import type { PaceControl } from '../engine/pace-control.ts';
import { BeamulatorError } from '../util/errors.ts';
import type { ControlCaller, ControlHandlers } from '../dashboard/dashboard-server.ts';

/** Where the handlers find the run's controls: set once the run hands them out (onControl, onPaceControl). */
export interface RunControls {
  population: RunControl | null;
  pace: PaceControl | null;
}


/** The handlers (see ControlHandlers); `paced`: whether pause, resume and speed are offered. */
export function runControlHandlers(controls: RunControls, paced: boolean): ControlHandlers {
  const population = (op: string): RunControl => {
    if (!controls.population) throw refused(op, 'the run has not started yet (or has ended)', 'Wait for its actors to start');
    return controls.population;
  };
  const pace = (op: string): PaceControl => {
    if (!controls.pace) throw refused(op, 'the run has not started yet (or has ended)', 'Wait for its actors to start');
    return controls.pace;
  };
  const from = (caller: ControlCaller) => ({ source: caller.source, ...(caller.clientId ? { clientId: caller.clientId } : {}) });
  const handlers: ControlHandlers = {
    spawn: (args, caller) => {
      const count = args.count === undefined ? 1 : args.count;
      if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 100_000) throw refused('spawn', `count must be a whole number from 1 to 100000, not ${JSON.stringify(count)}`, 'Give e.g. {"behavior": "Shopper", "count": 5}');
      const tags = args.tags;
      if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) throw refused('spawn', 'tags must be a list of strings', 'Give e.g. {"tags": ["late"]}');
      return population('spawn').spawn(text('spawn', args, 'behavior'), count as number, {
        ...from(caller),
        ...(args.name !== undefined ? { name: text('spawn', args, 'name') } : {}),
        ...(args.config !== undefined ? { config: args.config as Json } : {}),
        ...(tags !== undefined ? { tags: tags as string[] } : {}),
      });
    },
    remove: (args, caller) => population('remove').remove(actorOf('remove', args), from(caller)),
    replace: (args, caller) => population('replace').replace(actorOf('replace', args), text('replace', args, 'behavior'), from(caller)),
    action: (args, caller) => population('action').runAction(actorOf('action', args), text('action', args, 'action'), (args.args ?? {}) as Json, from(caller)),
    state: (args, caller) => {
      const state = args.state;
      if (state === null || typeof state !== 'object' || Array.isArray(state)) throw refused('state', 'state must be a JSON object of the fields to change', 'Give e.g. {"actor": 3, "state": {"mood": "grumpy"}}');
      return population('state').setState(actorOf('state', args), state as Record<string, Json>, from(caller));
    },
    tag: (args, caller) => population('tag').tag(actorOf('tag', args), text('tag', args, 'tag'), from(caller)),
    untag: (args, caller) => population('untag').untag(actorOf('untag', args), text('untag', args, 'tag'), from(caller)),
    send: (args, caller) => {
      const to = args.to;
      const target = typeof to === 'number' ? to : to !== null && typeof to === 'object' && !Array.isArray(to) ? to as ActorQuery : null;
      if (target === null) throw refused('send', 'to must be an actor id or a query such as {"behavior": "Shopper"}', 'Give e.g. {"to": 3, "message": {"sale": true}}');
      if (args.message === undefined) throw refused('send', 'no message given', 'Give e.g. {"to": 3, "message": {"sale": true}}');
      return population('send').send(target, args.message as Json, from(caller));
    },
    // The control refuses an unknown or removed actor itself ('cannot find actor N').
    inspect: (args) => population('inspect').actors({ id: actorOf('inspect', args), stopped: true })[0],
    actors: (args) => population('actors').actors(args as ActorQuery),
  };
  if (paced) {
    Object.assign(handlers, {
      pause: (_args: Record<string, unknown>, caller: ControlCaller) => {
        pace('pause').pause(from(caller));
        return pace('pause').status();
      },
      resume: (_args: Record<string, unknown>, caller: ControlCaller) => {
        pace('resume').resume(from(caller));
        return pace('resume').status();
      },
      speed: (args: Record<string, unknown>, caller: ControlCaller) => {
        const speed = args.speed;
        if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) throw refused('speed', `speed must be a number above 0 (sim ms per wall ms), not ${JSON.stringify(speed)}`, 'Give e.g. {"speed": 60}');
        pace('speed').setSpeed(speed, from(caller));
        return pace('speed').status();
      },
    });
  }
  return handlers;
}

function refused(op: string, why: string, fix: string): BeamulatorError {
  return new BeamulatorError('BEAM_USAGE', `cannot ${op}: ${why}`, fix);
}

function text(op: string, args: Record<string, unknown>, field: string): string {
  const value = args[field];
  if (typeof value !== 'string' || value === '') throw refused(op, `${field} must be a non-empty string, not ${JSON.stringify(value ?? null)}`, `Give {"${field}": "..."}`);
  return value;
}

function actorOf(op: string, args: Record<string, unknown>): number {
  const actor = args.actor;
  if (!Number.isInteger(actor) || (actor as number) < 0) throw refused(op, `actor must be an actor id (a whole number), not ${JSON.stringify(actor ?? null)}`, 'Give e.g. {"actor": 3}');
  return actor as number;
}
