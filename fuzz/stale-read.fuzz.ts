/** The list cache is not invalidated by PATCH: an Organizer sees its completed todo as open again. */
import { todoFuzzTarget } from './todo-fuzz.ts';

export default todoFuzzTarget('stale-read', ['stale-read']);
