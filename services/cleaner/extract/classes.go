package extract

// Signals read from an element's class and id (and, for a few, its role
// or itemprop). They are hints, weighed with the text itself: a class
// name alone never removes the article (see scoring in select.go).
const (
	// sigBoiler: page furniture around the article — sharing, related
	// links, newsletter and subscription boxes, ads, navigation. A weak
	// signal: an element so marked that holds a long run of prose is not
	// furniture ("entry share" on a WordPress article).
	sigBoiler uint32 = 1 << iota
	// sigStrong: comments and replies, cookie and consent notices,
	// modal dialogs. A strong signal: these hold long prose that is never
	// the article, so neither prose nor a body container inside them
	// clears it.
	sigStrong
	// sigMeta: article furniture inside it — bylines, datelines, tags,
	// captions and credits. Not page furniture, so it does not count
	// against the container, but it is not body text either.
	sigMeta
	// sigContent: the container of the article body.
	sigContent
	// sigHidden: text only screen readers get ("Share on Facebook").
	sigHidden

	// sigComment and sigCommentary are internal to the keyword table:
	// "comment" names a comment thread, "commentary" an opinion article.
	sigComment
	sigCommentary
)

// matchClass returns the signals of a class and id string.
func matchClass(s []byte) uint32 {
	sig := classMatcher.match(s)
	if sig&sigComment != 0 && sig&sigCommentary == 0 {
		sig |= sigStrong
	}
	return sig &^ (sigComment | sigCommentary)
}

// classKeywords are matched within class and id values, ignoring case.
// In a keyword '-' is any word boundary ('-', '_', a case change, the
// space between two class names) and ' ' only the start or end of a
// whole class name. A keyword without them matches inside words too:
// "comment" finds "commentlist" and "post-comments".
var classKeywords = map[string]uint32{
	// Discussion.
	"comment": sigComment, "commentary": sigCommentary, "disqus": sigStrong, "-respond-": sigStrong,
	"-replies": sigStrong, "-reply-": sigStrong, "-discussion": sigStrong,
	"-reactions": sigBoiler, "-rating": sigBoiler,
	// Sharing and social.
	"share": sigBoiler, "sharing": sigBoiler, "social": sigBoiler, "-follow-": sigBoiler,
	"facebook": sigBoiler, "twitter": sigBoiler, "whatsapp": sigBoiler, "-print-": sigBoiler,
	"-tools-": sigBoiler, "toolbar": sigBoiler, "-bookmark": sigBoiler,
	// Cross-links.
	"related": sigBoiler, "recommend": sigBoiler, "-more-stories": sigBoiler, "-more-articles": sigBoiler,
	"-read-more": sigBoiler, "readmore": sigBoiler, "-see-also": sigBoiler, "-also-read": sigBoiler,
	"popular": sigBoiler, "trending": sigBoiler, "-most-read": sigBoiler, "mostread": sigBoiler,
	"outbrain": sigBoiler, "taboola": sigBoiler, "-teaser": sigBoiler, "-recirc": sigBoiler,
	"-next-post": sigBoiler, "-prev-post": sigBoiler, "-post-nav": sigBoiler, "pagination": sigBoiler,
	"-pager-": sigBoiler, "breadcrumb": sigBoiler, "-jump-": sigBoiler, "-skip-": sigBoiler,
	// Conversion: newsletters, subscriptions, registration, donations.
	"newsletter": sigBoiler, "subscri": sigBoiler, "signup": sigBoiler, "-sign-up": sigBoiler,
	"-login": sigBoiler, "-register": sigBoiler, "paywall": sigBoiler, "-donat": sigBoiler,
	"-promo": sigBoiler, "-cta-": sigBoiler, "-optin": sigBoiler, "-opt-in": sigBoiler,
	// Ads and sponsorship.
	"-ad-": sigBoiler, "-ads-": sigBoiler, "advert": sigBoiler, "-adv-": sigBoiler, "sponsor": sigBoiler,
	"-dfp-": sigBoiler, "-gpt-": sigBoiler, "-mpu": sigBoiler, "-banner": sigBoiler, "-affiliate": sigBoiler,
	// Legal and interruptions.
	"cookie": sigStrong, "consent": sigStrong, "-gdpr": sigStrong, "-popup": sigStrong, "-modal": sigStrong,
	"-overlay": sigBoiler, "-disclaimer": sigBoiler, "copyright": sigBoiler,
	// Page chrome.
	"-nav-": sigBoiler, "-navbar": sigBoiler, "navigation": sigBoiler, "-menu": sigBoiler,
	"sidebar": sigBoiler, "-side-bar": sigBoiler, "-rail-": sigBoiler, "siderail": sigBoiler, "rightrail": sigBoiler, " widget": sigBoiler, "-widget-area": sigBoiler,
	"footer": sigBoiler, "masthead": sigBoiler, "-site-header": sigBoiler, "-topbar": sigBoiler,
	"-top-bar": sigBoiler,

	// Article furniture.
	"byline": sigMeta, "-author": sigMeta, "-dateline": sigMeta, "-timestamp": sigMeta,
	"-date-": sigMeta, "-published": sigMeta, "-posted-on": sigMeta, "-meta-": sigMeta,
	"-post-meta": sigMeta, "-entry-meta": sigMeta, "-article-meta": sigMeta,
	"-tags-": sigMeta, "-tag-list": sigMeta, "-taglist": sigMeta, "-tagged": sigMeta, "-keywords": sigMeta,
	"-categories": sigMeta, "caption": sigMeta, "-credit": sigMeta, "-photo-credit": sigMeta,

	// The article body.
	"-article-body": sigContent, "-content-article": sigContent, "articlebody": sigContent, "-article-content": sigContent,
	"-article-text": sigContent, "-articletext": sigContent, "-story-body": sigContent,
	"storybody": sigContent, "-story-content": sigContent, "-story-text": sigContent,
	"-post-content": sigContent, "-post-body": sigContent, "-post-text": sigContent,
	"-entry-content": sigContent, "-entry-body": sigContent, "-entry-text": sigContent,
	"-body-text": sigContent, "-bodytext": sigContent, "-main-content": sigContent,
	"-content-body": sigContent, "-article-main": sigContent, "-rich-text": sigContent,
	"-richtext": sigContent, " prose ": sigContent, "-single-content": sigContent,
	"-news-text": sigContent, "-text-content": sigContent,
	"-field-body": sigContent, "-field-name-body": sigContent, "-page-content": sigContent,

	// Visually hidden text.
	" sr-only ": sigHidden, " visually-hidden ": sigHidden, "visuallyhidden": sigHidden,
	"-screen-reader": sigHidden, "-screenreader": sigHidden, " offscreen ": sigHidden,
	" element-invisible ": sigHidden, " a11y ": sigHidden,
}

var classMatcher = newMatcher(classKeywords)
