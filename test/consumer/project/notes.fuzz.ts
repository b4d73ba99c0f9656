import { defineFuzzTarget } from 'beamulator';
import notes from './notes.sim.js';

export default defineFuzzTarget({ name: 'notes', simulation: notes, maxActors: 2, maxTurns: 6, params: { lostCreate: true } });
