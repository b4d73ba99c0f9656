/** PATCH does read-modify-write across an await: overlapping PATCHes from two teammates lose one update. */
import { todoFuzzTarget } from './todo-fuzz.ts';

// Overlap on: each popped event's actor draws (from its own tape) how many following events run concurrently with it.
export default todoFuzzTarget('lost-update', ['lost-update'], { overlap: true, maxSpan: 2, maxLatency: '10m' });
