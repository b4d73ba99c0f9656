/**
 * An account service whose users, answers and complaints carry secrets, for the test that no output
 * shows one (test/e2e/secrets.test.ts): a password in the login args, a token in the answers, a card
 * number only the project config redacts, and a secret-named parameter read from the environment.
 * Every planted value contains PLAINTEXT, so one grep finds any leak.
 */
import { createServer } from 'node:http';
import { defineActions, defineBehavior, defineSimulation, type Simulation } from 'beamulator';

export const secrets = { password: 'pw-PLAINTEXT-1', token: 'tok-PLAINTEXT-2', card: 'card-PLAINTEXT-3', apiToken: 'param-PLAINTEXT-4' };

/** The card field is not secret by beamulator's built-in rules: only the project config's pattern hides it. */
export const redact = [/^card/i];

interface Account {
  id: number;
  owner: string;
  plan: string;
  token: string;
  cardNumber: string;
  balance: number;
}

export const actions = defineActions({
  login: async (args: { user: string; password: string; cardNumber: string }, { http }) => (await http.post('/login', { json: args })).json<{ user: string; token: string }>(),
  getAccount: async (args: { token: string }, { http }) => (await http.get('/account', { headers: { authorization: `Bearer ${args.token}` } })).json<Account>(),
});

/** Logs in, then reads its account `reads` times; a negative balance is worth complaining about (with the account as detail). */
function customer(reads: number) {
  return defineBehavior({
    name: 'Customer',
    initialState: { token: '' },
    async act(ctx) {
      if (ctx.turn === 1) {
        const login = await ctx.execute(actions.login, { user: 'ann', password: secrets.password, cardNumber: secrets.card });
        ctx.state.token = login.value?.token ?? '';
        return '1m';
      }
      if (ctx.turn > reads + 1) return ctx.stop();
      const account = await ctx.execute(actions.getAccount, { token: ctx.state.token });
      if ((account.value?.balance ?? 0) < 0) ctx.complain('my balance is negative', { severity: 'annoying', detail: { account: account.value } });
      return '1m';
    },
  });
}

/** The shop with customers that read their account `reads` times (the original makes 1 read; a variant with more makes extra actions on replay). */
export function shop(reads: number): Simulation {
  const behavior = customer(reads);
  return defineSimulation({
    name: 'shop',
    params: { apiToken: { default: 'dev-token', env: 'SHOP_API_TOKEN' } },
    actions,
    behaviors: [behavior],
    population: [{ behavior, count: 1 }],
    duration: '10m',
    target: {
      start: async () => {
        const server = createServer((req, res) => {
          let body = '';
          req.on('data', (d) => (body += d));
          req.on('end', () => {
            res.setHeader('content-type', 'application/json');
            if (req.url === '/login') {
              const { user, cardNumber } = JSON.parse(body) as { user: string; cardNumber: string };
              res.end(JSON.stringify({ user, token: secrets.token, cardNumber }));
            } else {
              const account: Account = { id: 1, owner: 'ann', plan: 'gold', token: secrets.token, cardNumber: secrets.card, balance: -1 };
              res.end(JSON.stringify(account));
            }
          });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        // The service keeps no state: a reset has nothing to do (fuzz calls it between runs).
        return { url, reset: async () => undefined, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
      },
    },
  });
}
