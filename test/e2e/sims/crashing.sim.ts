// A behavior that throws on its third turn, every time it gets there.
import { defineBehavior, defineSimulation } from 'beamulator';

const fragile = defineBehavior({
  name: 'Fragile',
  initialState: { n: 0 },
  act(ctx) {
    ctx.state.n++;
    if (ctx.state.n === 3) throw new TypeError('cannot read the todo list: undefined is not iterable');
    return '1m';
  },
});

export default defineSimulation({ name: 'crashing', population: [{ behavior: fragile, count: 2 }], duration: '30m' });
