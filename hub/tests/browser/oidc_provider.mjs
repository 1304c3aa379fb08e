// A real OpenID Provider (the certified `oidc-provider` package) on loopback, for the
// hub's OIDC sign-in tests (hub/tests/oidc.rs, hub/tests/admin_browser.rs). One
// confidential client (client_secret_basic, authorization code, PKCE required). The
// sign-in and consent screens are answered at once for the account the test names, so
// a plain HTTP client can walk the redirects.
//
// Prints `ISSUER <url>` when it listens. Reads commands on stdin, one per line, and
// answers `OK` to each:
//   ACCOUNT {"sub": "...", "email": "...", "email_verified": true}  the next sign-in's account
//   TAMPER <mode>   what to do to the next ID tokens: none (default), rogue-key,
//                   unknown-kid, alg-none, hs256, payload, wrong-aud, wrong-iss, expired,
//                   wrong-nonce
// Environment: CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, INTERACTION (`form`: see below),
// PROVIDER_HOST (default 127.0.0.1;
// another loopback address is another site to a browser).
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import Provider from "oidc-provider";
import * as jose from "jose";

// stdout is the protocol with the test: the library's notices go to stderr.
for (const level of ["log", "info", "warn"]) {
  console[level] = (...args) => process.stderr.write(args.join(" ") + "\n");
}

const clientId = process.env.CLIENT_ID;
const clientSecret = process.env.CLIENT_SECRET;
const redirectUri = process.env.REDIRECT_URI;

const { privateKey } = await jose.generateKeyPair("RS256", { extractable: true });
const signing = { ...(await jose.exportJWK(privateKey)), kid: "test-key", alg: "RS256", use: "sig" };
const realKey = await jose.importJWK(signing, "RS256");
const rogue = (await jose.generateKeyPair("RS256")).privateKey;

let account = { sub: "nobody" };
const accounts = new Map();
let tamper = "none";

const server = createServer();
const host = process.env.PROVIDER_HOST || "127.0.0.1";
await new Promise((resolve) => server.listen(0, host, resolve));
const issuer = `http://${host}:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: { keys: [signing] },
  pkce: { required: () => true },
  claims: { openid: ["sub"], email: ["email", "email_verified"] },
  cookies: { keys: ["dermis-test-provider-cookie-key"] },
  ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => accounts.get(id) || { sub: id },
  }),
});

// With INTERACTION=form, each screen is a page of the provider that submits itself (as
// a person clicking "Sign in" would): the browser then comes back to the hub from a
// navigation the provider's site started. Otherwise the screens are answered at once.
const formInteraction = process.env.INTERACTION === "form";

// The interaction screens.
provider.use(async (ctx, next) => {
  if (!ctx.path.startsWith("/interaction/")) return next();
  if (formInteraction && ctx.method === "GET") {
    ctx.type = "html";
    ctx.body = `<!doctype html><title>Sign in</title><form id="f" method="post" action="${ctx.path}"></form>
<script>document.getElementById("f").submit()</script>`;
    return;
  }
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  let result;
  if (details.prompt.name === "login") {
    result = { login: { accountId: account.sub } };
  } else {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    result = { consent: { grantId: await grant.save() } };
  }
  const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(to);
});

// What an attacker between the hub and the provider (or a broken provider) might send.
async function forge(idToken) {
  const [header, payload] = idToken.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  const resign = (key, alg, kid, changed) =>
    new jose.SignJWT({ ...claims, ...changed }).setProtectedHeader({ alg, kid, typ: "JWT" }).sign(key);
  const now = Math.floor(Date.now() / 1000);
  switch (tamper) {
    case "rogue-key":
      return resign(rogue, "RS256", "test-key", {});
    case "unknown-kid":
      return resign(rogue, "RS256", "other-key", {});
    case "alg-none":
      return `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
    case "hs256":
      return resign(new TextEncoder().encode(clientSecret), "HS256", "test-key", {});
    case "payload": {
      const other = Buffer.from(JSON.stringify({ ...claims, sub: "admin-sub" })).toString("base64url");
      return `${header}.${other}.${idToken.split(".")[2]}`;
    }
    case "wrong-aud":
      return resign(realKey, "RS256", "test-key", { aud: "another-client" });
    case "wrong-iss":
      return resign(realKey, "RS256", "test-key", { iss: "http://127.0.0.1:1" });
    case "expired":
      return resign(realKey, "RS256", "test-key", { iat: now - 7200, exp: now - 3600 });
    case "wrong-nonce":
      return resign(realKey, "RS256", "test-key", { nonce: "not-this-sign-in" });
    default:
      return idToken;
  }
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === "/token" && ctx.status === 200 && ctx.body && ctx.body.id_token && tamper !== "none") {
    ctx.body = { ...ctx.body, id_token: await forge(ctx.body.id_token) };
  }
});

server.on("request", provider.callback());
process.stdout.write(`ISSUER ${issuer}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const [command, ...rest] = line.trim().split(" ");
  const arg = rest.join(" ");
  if (command === "ACCOUNT") {
    account = JSON.parse(arg);
    accounts.set(account.sub, account);
  } else if (command === "TAMPER") {
    tamper = arg;
  } else if (command) {
    process.stderr.write(`unknown command ${command}\n`);
    process.exit(2);
  }
  process.stdout.write("OK\n");
}
server.close();
process.exit(0);
