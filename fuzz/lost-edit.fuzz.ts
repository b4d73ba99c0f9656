/**
 * The web page's planted bug `lost-edit`: leaving the list for the Summary cancels a rename's
 * pending (debounced) save instead of saving it, so a rename typed just before leaving is lost.
 * Only a browser actor (the example's UI Organizer) sees it. Needs Chromium (`apt-get install chromium`).
 */
import todoUi from '../examples/todo/todo-ui.sim.ts';
import { todoFuzzTarget } from './todo-fuzz.ts';

export default todoFuzzTarget('lost-edit', ['lost-edit'], { behaviors: ['UI Organizer'], maxActors: 2, maxTurns: 8, duration: '4h' }, todoUi);
