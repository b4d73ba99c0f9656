/** The shelf with its `always` bug (see shelf-app.ts). */
import { defineFuzzTarget } from 'beamulator';
import shelf from './shelf.sim.ts';

export default defineFuzzTarget({ name: 'shelf-always', simulation: shelf, params: { bug: 'always' }, maxActors: 1, maxTurns: 3 });
