/** Every planted bug off: the fuzzer must find nothing. */
import { todoFuzzTarget } from './todo-fuzz.ts';

export default todoFuzzTarget('bugs-off', [], { overlap: true, arrivalJitter: '2h' });
