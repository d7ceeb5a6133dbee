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

	if u.Path == "" {
		u.Path = "/"
	} else {
		clean := path.Clean(u.Path)
		if strings.HasSuffix(u.Path, "/") && clean != "/" {
			clean += "/"
		}
		u.Path = clean
	}
	u.RawPath = ""

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
