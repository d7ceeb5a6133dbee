package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/net/publicsuffix"
)

// ErrBadURL reports a URL that cannot identify an article.
var ErrBadURL = errors.New("bad article URL")

// CanonicalURL returns the form of raw that identifies an article: scheme
// and host lower-cased, default port, fragment, tracking parameters and
// dot segments removed, remaining query parameters sorted. Two links to the
// same article from different feeds canonicalise to the same string.
// Only absolute http and https URLs are accepted.
func CanonicalURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrBadURL, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%w: %q: scheme must be http or https", ErrBadURL, raw)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return "", fmt.Errorf("%w: %q: no host", ErrBadURL, raw)
	}
	host = strings.TrimSuffix(host, ".")
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		host += ":" + port
	} else if strings.Contains(host, ":") { // bare IPv6 literal
		host = "[" + host + "]"
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""

	// Work on the path as written, escapes and all: re-escaping would turn
	// a valid "/!5655255/" into "/%215655255/", another URL to the server.
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	} else {
		clean := path.Clean(p)
		if strings.HasSuffix(p, "/") && clean != "/" {
			clean += "/"
		}
		p = clean
	}
	unescaped, err := url.PathUnescape(p)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrBadURL, raw, err)
	}
	u.Path, u.RawPath = unescaped, p

	q := u.Query()
	for k := range q {
		if isTrackingParam(k) {
			delete(q, k)
		}
	}
	// url.Values.Encode sorts by key; sort values too so order never matters.
	for _, vs := range q {
		sort.Strings(vs)
	}
	u.RawQuery = q.Encode()
	u.ForceQuery = false
	return u.String(), nil
}

// PreferredURL is the URL that identifies a page: the canonical link it
// declares (canonicalHref, from <link rel=canonical> or og:url, resolved
// against pageURL) when that is an http(s) URL on the same site — the same
// registrable domain, so a page cannot claim another site's article — and
// does not send a deep link to the site's home page; otherwise pageURL.
// The result is canonicalised (CanonicalURL), or "" if neither is usable.
// Every stage that derives an article's URL uses it, so they agree on ids.
func PreferredURL(pageURL, canonicalHref string) string {
	page, _ := CanonicalURL(pageURL)
	href := strings.TrimSpace(canonicalHref)
	if href == "" {
		return page
	}
	base, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil {
		base = &url.URL{}
	}
	ref, err := base.Parse(href)
	if err != nil {
		return page
	}
	c, err := CanonicalURL(ref.String())
	if err != nil {
		return page
	}
	if page == "" { // nothing to compare with: the page's own word is all there is
		return c
	}
	cu, pu := mustParse(c), mustParse(page)
	if !sameSite(cu.Hostname(), pu.Hostname()) || (pu.Path != "/" && cu.Path == "/") {
		return page
	}
	return c
}

func mustParse(canonical string) *url.URL {
	u, _ := url.Parse(canonical) // canonical URLs parse
	return u
}

// sameSite reports whether two hosts share a registrable domain
// (www.example.com and m.example.com do; example.com and example.org don't).
func sameSite(a, b string) bool {
	if a == b {
		return true
	}
	ra, err1 := publicsuffix.EffectiveTLDPlusOne(a)
	rb, err2 := publicsuffix.EffectiveTLDPlusOne(b)
	return err1 == nil && err2 == nil && ra == rb
}

// trackingParams are query parameters that say how a reader arrived, not
// which article they asked for.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gclsrc": true, "msclkid": true,
	"yclid": true, "igshid": true, "mc_cid": true, "mc_eid": true, "_ga": true,
	"_gl": true, "ref_src": true, "ref_url": true, "cmpid": true, "ocid": true,
	"smid": true, "sr_share": true,
	"mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true, "vero_id": true,
	"wickedid": true, "s_cid": true, "ito": true, "at_medium": true, "at_campaign": true,
}

func isTrackingParam(k string) bool {
	k = strings.ToLower(k)
	return strings.HasPrefix(k, "utm_") || trackingParams[k]
}

// ArticleID is the stable id of an article: a hash of its canonical URL,
// or, when it has no usable URL, of its normalised text (case and
// whitespace folded), so the same body published twice gets one id.
func ArticleID(rawURL, text string) string {
	if rawURL != "" {
		if c, err := CanonicalURL(rawURL); err == nil {
			return hashID("url\x00" + c)
		}
	}
	return hashID("text\x00" + normaliseText(text))
}

func hashID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

func normaliseText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
