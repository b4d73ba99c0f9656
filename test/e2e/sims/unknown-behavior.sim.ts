// The population names a behavior that does not exist.
import { defineBehavior, defineSimulation } from 'beamulator';

const walker = defineBehavior({ name: 'Walker', initialState: {}, act: () => '1m' });

export default defineSimulation({ name: 'typo', behaviors: [walker], population: [{ behavior: 'Walkr', count: 1 }] });
