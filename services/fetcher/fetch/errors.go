package fetch

import (
	"errors"
	"fmt"
	"net"
	"time"
)

// Reason says why a fetch was refused; it is the "reason" label of
// newsflow_fetcher_refusals_total, so the set is small and fixed.
type Reason string

// Refusal reasons.
const (
	ReasonScheme            Reason = "scheme"             // not http or https
	ReasonBadURL            Reason = "bad_url"            // unparsable, no host
	ReasonLoopback          Reason = "loopback"           // 127.0.0.0/8, ::1
	ReasonPrivate           Reason = "private"            // RFC 1918, fc00::/7, 100.64.0.0/10
	ReasonLinkLocal         Reason = "link_local"         // 169.254.0.0/16, fe80::/10
	ReasonMetadata          Reason = "metadata"           // cloud instance-metadata endpoints
	ReasonUnspecified       Reason = "unspecified"        // 0.0.0.0, ::
	ReasonMulticast         Reason = "multicast"          // multicast and broadcast
	ReasonReserved          Reason = "reserved"           // documentation, benchmarking, future use
	ReasonRobots            Reason = "robots"             // robots.txt disallows it
	ReasonRobotsUnavailable Reason = "robots_unavailable" // robots.txt answered 5xx: crawl nothing for now
	ReasonTooLarge          Reason = "too_large"          // body over the size cap
	ReasonTooManyRedirects  Reason = "too_many_redirects" // redirect chain over the cap
	ReasonContentType       Reason = "content_type"       // not a page, feed or sitemap (a PDF, an image)
	ReasonContentEncoding   Reason = "content_encoding"   // a compression we did not ask for
	ReasonTLS               Reason = "tls"                // the server's certificate failed verification
)

// ErrRefused is what every *RefusedError matches with errors.Is.
var ErrRefused = errors.New("fetch refused")

// RefusedError is a fetch the client would not make or finish, for a
// Reason. Retrying does not help, except for ReasonRobotsUnavailable.
type RefusedError struct {
	URL    string
	Reason Reason
	Detail string
}

func (e *RefusedError) Error() string {
	msg := "refused " + e.URL + ": " + string(e.Reason)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// StatusError is a final answer that is neither success, not-modified nor
// a redirect.
type StatusError struct {
	URL    string
	Code   int
	Status string
}

func (e *StatusError) Error() string { return fmt.Sprintf("GET %s: %s", e.URL, e.Status) }

// ErrRetryLater is what every *RetryLaterError matches with errors.Is.
var ErrRetryLater = errors.New("server asked to retry later")

// RetryLaterError is a 429 or 5xx answer still failing after the client's
// retries, or whose Retry-After is longer than the client will wait. The
// caller should not ask again before Until (zero when the server did not
// say).
type RetryLaterError struct {
	URL   string
	Code  int
	Until time.Time
}

func (e *RetryLaterError) Error() string {
	msg := fmt.Sprintf("GET %s: %d", e.URL, e.Code)
	if !e.Until.IsZero() {
		msg += ", retry after " + e.Until.UTC().Format(time.RFC3339)
	}
	return msg
}

// Is makes errors.Is(err, ErrRetryLater) true.
func (e *RetryLaterError) Is(target error) bool { return target == ErrRetryLater }

// Temporary reports whether err may go away on its own: a server asking to
// retry later, robots.txt unavailable, a network failure or timeout. A
// refusal or a 4xx answer will not.
func Temporary(err error) bool {
	var refused *RefusedError
	if errors.As(err, &refused) {
		return refused.Reason == ReasonRobotsUnavailable
	}
	var status *StatusError
	if errors.As(err, &status) {
		return status.Code >= 500 || status.Code == 408 || status.Code == 429
	}
	if errors.Is(err, ErrRetryLater) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, errTransport)
}

// errTransport marks a failure to get any answer (reset, EOF, timeout).
var errTransport = errors.New("transport error")
