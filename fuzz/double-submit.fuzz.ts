/**
 * The web page's planted bug: a double-click on Add creates two todos. Only a browser actor (the
 * example's UI Organizer) can find it; each fuzz run gets fresh browser contexts in one Chromium
 * for the whole campaign. Needs Chromium (`apt-get install chromium`).
 */
import todoUi from '../examples/todo/todo-ui.sim.ts';
import { todoFuzzTarget } from './todo-fuzz.ts';

export default todoFuzzTarget('double-submit', ['double-submit'], { behaviors: ['UI Organizer'], maxActors: 2, maxTurns: 8, duration: '4h' }, todoUi);
