// The baseline `cargo xtask bench` measures next to Pforte: a password sign-in, the sign-in page
// and a signed-in page, done the way a small express app would do them (without Pforte's
// throttles, audit, devices or CSRF checks; an unknown user is refused without hashing). Users live in memory with argon2id hashes made with
// Pforte's parameters (m=19456 KiB, t=2, p=1); sessions live in express-session's memory store.
// Usage: node server.js PORT USERS PASSWORD (users are user0@bench.example … user{USERS-1}@…).
'use strict';
const express = require('express');
const session = require('express-session');
const argon2 = require('@node-rs/argon2');

const [port, count, password] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: argon2.Algorithm.Argon2id };
const users = new Map();
for (let i = 0; i < count; i++) {
  users.set(`user${i}@bench.example`, argon2.hashSync(password, options));
}

const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const app = express();
app.disable('x-powered-by');
app.use(express.urlencoded({ extended: false, limit: '64kb' }));
app.use(session({
  secret: 'bench only, not a secret',
  resave: false,
  saveUninitialized: false,
  cookie: { httpOnly: true, sameSite: 'lax' },
}));

app.get('/healthz', (req, res) => res.type('text').send('ok'));

app.get('/login', (req, res) => {
  res.send(page('Sign in', `<form method="post" action="/login">
<label for="identifier">Email or customer number</label><input id="identifier" name="identifier" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button>Sign in</button></form><p><a href="/forgot-password">Forgot password?</a></p>`));
});

app.post('/login', async (req, res, next) => {
  try {
    const email = String(req.body.identifier || '').trim().toLowerCase();
    const hash = users.get(email);
    const ok = hash !== undefined && (await argon2.verify(hash, String(req.body.password || '')));
    if (!ok) return res.status(401).send(page('Sign in', '<p role="alert">Wrong email or password.</p>'));
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.user = email;
      res.redirect(302, '/');
    });
  } catch (e) {
    next(e);
  }
});

// The signed-in pages: `/` says who is signed in; `/account/security` adds a form.
app.get('/', (req, res) => {
  if (!req.session.user) return res.redirect(302, '/login');
  res.send(page('Home', `<p>Signed in as ${escape(req.session.user)}</p>
<nav><a href="/account/security">Security</a></nav>
<form method="post" action="/logout"><button>Log out</button></form>`));
});

app.get('/account/security', (req, res) => {
  if (!req.session.user) return res.redirect(302, '/login');
  res.send(page('Security', `<p>Signed in as ${escape(req.session.user)}</p>
<h2>Password</h2><form method="post" action="/password"><label for="current">Current password</label>
<input id="current" name="current" type="password"><button>Change password</button></form>`));
});

app.listen(port, '127.0.0.1');
