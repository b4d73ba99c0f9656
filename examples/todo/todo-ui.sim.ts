/**
 * The bundled example with browser actors: the same teams and API personas as todo.sim.ts, plus
 * one UI Organizer per team, who uses the todo app's web page in Chromium (`apt-get install
 * chromium`). Apart from the default example so that one stays fast and needs no browser.
 *
 *   npx beamulator run examples/todo/todo-ui.sim.ts --duration 2h                            # no complaints
 *   npx beamulator run examples/todo/todo-ui.sim.ts --duration 2h --param bugs=double-submit # one of the page's bugs
 *   npx beamulator replay latest --offline    # the pages are served what was recorded, no app running
 *
 * `bugs` also takes the web page's planted bugs: double-submit (a double-click on Add creates two
 * todos), stale-counter (after a delete the counter still counts the deleted todo) and lost-edit (a
 * rename typed just before leaving for the Summary is lost).
 */
import { bugNames } from '../../fixtures/todo-app/bugs.ts';
import { defineParams, defineSimulation } from 'beamulator';
import todo, { params as apiParams, team, teamCount } from './todo.sim.ts';
import { actions } from './actions.ts';
import { uiActions } from './ui-actions.ts';
import { uiOrganizer } from './ui-behavior.ts';

export const params = defineParams({
  ...apiParams,
  bugs: { ...apiParams.bugs, choices: [...bugNames, 'all'] },
});

export default defineSimulation({
  ...todo,
  name: 'todo-ui',
  params,
  actions: { ...actions, ...uiActions },
  behaviors: [...(todo.behaviors ?? []), uiOrganizer],
  population: [...todo.population, { behavior: uiOrganizer, count: teamCount, config: team, start: { jitter: '5m' } }],
  // Page actions and navigations wait up to 5s for what they need (a selector, a load).
  browser: { timeout: '5s' },
});
