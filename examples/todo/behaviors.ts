/**
 * Two personas in the spirit of the original project:
 * - Organizer: keeps the team's list tidy: creates todos, completes them, deletes finished ones,
 *   and checks that what it wrote reads back (read-your-writes) and that it sees only its team.
 * - Procrastinator: browses the list, renames todos, adds the odd one, and wanders off mid-turn.
 */
import { defineBehavior, type ActorContext, type Complaint } from 'beamulator';
import { actions, type Credentials, type Todo } from './actions.ts';

export interface TeamConfig {
  team: string;
}

interface Member {
  user: Credentials & { team: string };
  registered: boolean;
}

interface OrganizerState extends Member {
  /** Ids of todos this organizer completed and still expects to read back as completed. */
  completed: string[];
}

function newMember(actorId: number, config: TeamConfig, rng: { faker: { internet: { username(): string; password(): string } } }): Member {
  // The actor id keeps usernames unique even when faker repeats a name.
  return { user: { username: `${rng.faker.internet.username()}-${actorId}`, password: rng.faker.internet.password(), team: config.team }, registered: false };
}

/** Fires when a listed todo belongs to another team. */
const seesOtherTeam: Complaint<{ user: Credentials }, Todo[], Member> = {
  when: ({ result, state }) => (result ?? []).some((todo) => todo.team !== state.user.team),
  message: "I can see another team's todo (tenant leak)",
  severity: 'urgent',
};

const completedComesBackIncomplete: Complaint<{ user: Credentials; id: string }, Todo, OrganizerState> = {
  when: ({ outcome, result }) => outcome === 'ok' && result?.completed !== true,
  message: 'my completion was lost: the todo came back incomplete (lost update)',
  severity: 'urgent',
};

async function register(ctx: ActorContext<Member>): Promise<void> {
  const r = await ctx.execute(actions.signup, ctx.state.user);
  ctx.state.registered = r.ok;
}

export const organizer = defineBehavior<OrganizerState, TeamConfig>({
  name: 'Organizer',
  initialState: ({ actorId, config, rng }) => ({ ...newMember(actorId, config, rng), completed: [] }),
  async act(ctx) {
    const { state } = ctx;
    if (!state.registered) {
      await register(ctx);
      return ctx.rng.int(1, 5) * 60_000;
    }
    const list = await ctx.execute(actions.listTodos, { user: state.user }, { complaints: [seesOtherTeam] });
    if (!list.ok) return '10m';
    const todos = list.value!.filter((t) => t.team === state.user.team);

    // Read-your-writes: every todo I completed must still read back completed.
    for (const id of [...state.completed]) {
      const listed = todos.find((t) => t.id === id);
      if (!listed) {
        state.completed = state.completed.filter((x) => x !== id);
      } else if (!listed.completed) {
        state.completed = state.completed.filter((x) => x !== id);
        const direct = await ctx.execute(actions.getTodo, { user: state.user, id });
        if (!direct.ok) continue;
        if (direct.value!.completed) {
          ctx.complain('the list shows a todo I completed as incomplete (stale read)', { severity: 'urgent', detail: { id } });
        } else {
          ctx.complain('a todo I completed is incomplete again (lost update)', { severity: 'urgent', detail: { id, todo: direct.value } });
        }
      }
    }

    const open = todos.filter((t) => !t.completed);
    const done = todos.filter((t) => t.completed);
    const choice = ctx.rng.weighted([
      ['create', open.length < 4 ? 3 : 0.5],
      ['complete', open.length > 0 ? 3 : 0],
      ['tidy', done.length > 1 ? 2 : 0],
      ['rest', 1],
    ] as const);
    if (choice === 'create') {
      await ctx.execute(actions.createTodo, { user: state.user, title: ctx.rng.faker.lorem.sentence(3) });
    } else if (choice === 'complete') {
      const todo = ctx.rng.pick(open);
      const r = await ctx.execute(actions.completeTodo, { user: state.user, id: todo.id }, { complaints: [completedComesBackIncomplete] });
      if (r.ok && r.value!.completed) state.completed.push(todo.id);
    } else if (choice === 'tidy') {
      const todo = ctx.rng.pick(done);
      const r = await ctx.execute(actions.deleteTodo, { user: state.user, id: todo.id });
      if (r.ok) {
        state.completed = state.completed.filter((x) => x !== todo.id);
        // A fresh todo to replace the finished one.
        if (ctx.rng.chance(0.5)) await ctx.execute(actions.createTodo, { user: state.user, title: ctx.rng.faker.lorem.sentence(3) });
      }
    }
    return ctx.rng.int(5, 30) * 60_000;
  },
});

export const procrastinator = defineBehavior<Member, TeamConfig>({
  name: 'Procrastinator',
  initialState: ({ actorId, config, rng }) => newMember(actorId, config, rng),
  async act(ctx) {
    const { state } = ctx;
    if (!state.registered) {
      await register(ctx);
      return ctx.rng.int(1, 10) * 60_000;
    }
    const list = await ctx.execute(actions.listTodos, { user: state.user }, { complaints: [seesOtherTeam] });
    if (!list.ok) return '30m';
    // Nobody rewords a finished task: a procrastinator rewords the open ones instead of doing them.
    const open = list.value!.filter((t) => t.team === state.user.team && !t.completed);
    if (open.length > 0 && ctx.rng.chance(0.7)) {
      // Reads the list for a while before renaming something.
      if (ctx.rng.chance(0.3)) await ctx.sleep(ctx.rng.int(1, 5) * 60_000);
      const todo = ctx.rng.pick(open);
      await ctx.execute(actions.renameTodo, { user: state.user, id: todo.id, title: ctx.rng.faker.lorem.sentence(2) });
    } else if (ctx.rng.chance(0.3)) {
      await ctx.execute(actions.createTodo, { user: state.user, title: ctx.rng.faker.lorem.sentence(3) });
    }
    return ctx.rng.int(10, 40) * 60_000;
  },
});
