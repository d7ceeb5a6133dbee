package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SessionCookie is the name of the cookie a browser gets by logging in.
const SessionCookie = "newsflow_session"

// SessionLifetime is how long a login lasts: a working day and a night,
// after which the page asks for the token again.
const SessionLifetime = 24 * time.Hour

// auth guards the web view and the API with one token. API clients send
// it as "Authorization: Bearer TOKEN"; a browser cannot set that header
// on page loads, event streams or download links, so it logs in once at
// /login and then carries a session cookie.
//
// The session is stateless: "EXPIRY.MAC" where MAC is an HMAC-SHA256,
// keyed by the token, of the expiry. It survives a restart of the sink, a
// changed token ends every session, and nothing about the token can be
// recovered from it. The cookie is HttpOnly (the page's scripts never see
// it), SameSite=Strict (no other site's page or link sends it, which
// makes every read-only GET of the API safe from cross-site requests)
// and Secure when the request came over TLS.
type auth struct {
	token []byte
	now   func() time.Time
}

func (a *auth) mac(expiry string) string {
	m := hmac.New(sha256.New, a.token)
	m.Write([]byte("newsflow web session\x00" + expiry))
	return hex.EncodeToString(m.Sum(nil))
}

func (a *auth) session(r *http.Request) bool {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return false
	}
	exp, sum, ok := strings.Cut(c.Value, ".")
	if !ok {
		return false
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || a.now().Unix() >= unix {
		return false
	}
	return hmac.Equal([]byte(sum), []byte(a.mac(exp)))
}

func (a *auth) bearer(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), a.token) == 1
}

// sameOrigin reports whether a form post comes from this site's own page:
// a login or logout forged by another site is refused (login CSRF would
// log the victim into the attacker's session).
func sameOrigin(r *http.Request) bool {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" {
		return s == "same-origin" || s == "none"
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true // not a browser's cross-site form post: those send Origin
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func (a *auth) setCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

// open paths need no login: the probe, the login itself and the page's
// static files (the login form uses its stylesheet; none holds data).
func open(p string) bool {
	return p == "/healthz" || p == "/login" || strings.HasPrefix(p, "/static/")
}

func (a *auth) wrap(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", a.loginForm)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("POST /logout", a.logout)
	mux.Handle("/", next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if open(r.URL.Path) || r.URL.Path == "/logout" || a.bearer(r) || a.session(r) {
			mux.ServeHTTP(w, r)
			return
		}
		// A page load goes to the login form and comes back; the API
		// and anything else answers 401.
		if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/") {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="newsflow"`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":"missing or wrong API token: send Authorization: Bearer TOKEN, or log in at /login"}` + "\n"))
	})
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsflow · log in</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<header class="topbar"><span class="brand">news<span>flow</span></span></header>
<main class="login">
<form id="login" method="post" action="/login">
<h1>Log in</h1>
<p>This newsflow requires its API token (the sink's <code>-api-token</code>).</p>
{{if .Failed}}<p class="error" id="login-error">Wrong token.</p>{{end}}
<input type="hidden" name="next" value="{{.Next}}">
<label>Token <input type="password" name="token" id="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Log in</button>
</form>
</main>
</body>
</html>
`))

// safeNext keeps a redirect after login on this site: a path, never
// "//host" or a scheme.
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return "/"
	}
	return n
}

func (a *auth) renderLogin(w http.ResponseWriter, next string, failed bool, status int) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	loginPage.Execute(w, struct {
		Next   string
		Failed bool
	}{safeNext(next), failed})
}

func (a *auth) loginForm(w http.ResponseWriter, r *http.Request) {
	a.renderLogin(w, r.URL.Query().Get("next"), false, http.StatusOK)
}

func (a *auth) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "cross-site login refused", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	next := r.PostForm.Get("next")
	if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("token")), a.token) != 1 {
		a.renderLogin(w, next, true, http.StatusUnauthorized)
		return
	}
	exp := strconv.FormatInt(a.now().Add(SessionLifetime).Unix(), 10)
	a.setCookie(w, r, exp+"."+a.mac(exp), int(SessionLifetime/time.Second))
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

// logout removes the browser's cookie. Sessions are not stored, so a
// copied cookie stays valid until it expires; changing the token ends
// them all.
func (a *auth) logout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "cross-site logout refused", http.StatusForbidden)
		return
	}
	a.setCookie(w, r, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
