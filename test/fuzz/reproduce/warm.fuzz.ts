/** The shelf with its `warm` bug (see shelf-app.ts). */
import { defineFuzzTarget } from 'beamulator';
import shelf from './shelf.sim.ts';

export default defineFuzzTarget({ name: 'shelf-warm', simulation: shelf, params: { bug: 'warm' }, maxActors: 1, maxTurns: 3 });
