// A small OpenID Connect provider for the tests: node's oidc-provider with its development
// sign-in pages (any login and password are accepted; the login is the account). Clients
// register themselves (dynamic registration). An account's email is its login; a login that
// starts with "unverified." shares an email that is not verified. A client named
// "short-lived" gets ID tokens that expire after 30 seconds.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;

function claimsOf(login) {
  const unverified = login.startsWith('unverified.');
  const email = unverified ? login.slice('unverified.'.length) : login;
  const local = email.split('@')[0] || 'someone';
  const [given, family] = local.split('.');
  const cap = (s) => (s ? s[0].toUpperCase() + s.slice(1) : '');
  return {
    sub: login,
    email,
    email_verified: !unverified,
    name: [cap(given), cap(family)].filter(Boolean).join(' '),
    given_name: cap(given),
    family_name: cap(family || 'Person'),
  };
}

const provider = new Provider(issuer, {
  clients: [],
  cookies: { keys: ['innovate-test-provider-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  ttl: {
    IdToken: (ctx, token, client) => (client && client.clientName === 'short-lived' ? 30 : 3600),
  },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return claimsOf(id); } };
  },
});

const server = provider.listen(port, '127.0.0.1', () => {
  const { port: bound } = server.address();
  process.stdout.write(`listening ${bound}\n`);
});
