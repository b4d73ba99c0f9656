import { defineFuzzTarget } from 'beamulator';
import simulation from './shop.sim.ts';

export default defineFuzzTarget({ name: 'shop', simulation, maxActors: 1, maxTurns: 3 });
