/**
 * The web page's planted bug `stale-counter`: a delete removes its row without rendering the list
 * again, so the "N left" counter still counts the deleted todo. Only a browser actor (the example's
 * UI Organizer) sees it. Needs Chromium (`apt-get install chromium`).
 */
import todoUi from '../examples/todo/todo-ui.sim.ts';
import { todoFuzzTarget } from './todo-fuzz.ts';

export default todoFuzzTarget('stale-counter', ['stale-counter'], { behaviors: ['UI Organizer'], maxActors: 2, maxTurns: 8, duration: '4h' }, todoUi);
