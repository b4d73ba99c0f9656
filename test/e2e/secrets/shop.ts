/**
 * An account service whose users, answers and complaints carry secrets, for the test that no output
 * shows one (test/e2e/secrets.test.ts): a password in the login args and its urlencoded body, a token
 * in the answers and in a query string (`?access_token=`), an API key and a cookie in request
 * headers, a session in a Set-Cookie response header, a card number only the project config
 * redacts, a PIN only the simulation's own `redact` hides, and a secret-named parameter read from
 * the environment. Every planted value contains PLAINTEXT, so one grep finds any leak; values that
 * are not secret contain VISIBLE, so the same grep shows it would find one.
 */
import { createServer } from 'node:http';
import { defineActions, defineBehavior, defineSimulation, type Simulation } from 'beamulator';

export const secrets = {
  password: 'pw-PLAINTEXT-1', token: 'tok-PLAINTEXT-2', card: 'card-PLAINTEXT-3', apiToken: 'param-PLAINTEXT-4',
  pin: 'pin-PLAINTEXT-5', apiKey: 'key-PLAINTEXT-6', cookie: 'cookie-PLAINTEXT-7', session: 'session-PLAINTEXT-8',
};

/** Planted where nothing is secret: in args, a query string, a header, a body and an answer. */
export const visible = 'VISIBLE-9';

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
  // A urlencoded form: the password and the PIN are redacted by name in the body as in the args.
  login: async (args: { user: string; password: string; cardNumber: string; pin: string; note: string }, { http }) => (await http.post('/login', {
    body: new URLSearchParams(args).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-note': visible },
  })).json<{ user: string; token: string }>(),
  getAccount: async (args: { token: string }, { http }) => (await http.get('/account', {
    query: { access_token: args.token, view: visible },
    headers: { authorization: `Bearer ${args.token}`, 'x-api-key': secrets.apiKey, cookie: `sid=${secrets.cookie}` },
  })).json<Account>(),
});

/** Logs in, then reads its account `reads` times; a negative balance is worth complaining about (with the account as detail). */
function customer(reads: number) {
  return defineBehavior({
    name: 'Customer',
    initialState: { token: '' },
    async act(ctx) {
      if (ctx.turn === 1) {
        const login = await ctx.execute(actions.login, { user: 'ann', password: secrets.password, cardNumber: secrets.card, pin: secrets.pin, note: visible });
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
    // Not secret by the built-in rules or the project config: only the simulation knows.
    redact: ['pin'],
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
            res.setHeader('set-cookie', `session=${secrets.session}; HttpOnly`);
            if (req.url === '/login') {
              const form = new URLSearchParams(body);
              res.end(JSON.stringify({ user: form.get('user'), token: secrets.token, cardNumber: form.get('cardNumber'), note: form.get('note') }));
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
