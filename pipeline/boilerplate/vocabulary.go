// Package boilerplate is newsflow's one vocabulary of page furniture: the
// words of interface labels, cross-links, datelines, credits, rights
// notices and the appeals a site makes to its readers, in the main
// languages of the web.
//
// The cleaner owns boilerplate: its package furniture classifies paragraphs
// and scraped lines with these lists and removes what is furniture. The
// enricher's text model (enrich/tokens) flags, with the same lists, the
// furniture a cleaner left inside sentences — so a word added here for
// one is seen by both. The lists are read-only; phrases are lower-case.
package boilerplate

// Labels are whole paragraphs that are interface labels or page section
// headings, lower-cased, in the main languages of the web. Inside a
// sentence many are as often writing ("a home run", "a review"), so only
// the cleaner, judging whole lines, uses all of them; see InlineLabels.
var Labels = []string{
	// Ads and sponsorship.
	"advertisement", "advertisements", "advert", "ad", "ads", "sponsored", "sponsored content",
	"promoted", "promoted content", "affiliate", "partner content", "paid content", "paid post",
	"anzeige", "werbung", "publicidad", "anuncio", "publicité", "pubblicità", "publicidade",
	"advertentie", "reklama", "iklan", "реклама", "광고",
	// Sharing, printing, comments.
	"share", "share this", "share this article", "share this story", "share this page", "share article",
	"share on facebook", "share on twitter", "tweet", "email", "e-mail", "print", "print article",
	"comments", "comment", "leave a comment", "add comment", "add a comment", "post a comment",
	"post comment", "view comments", "show comments", "join the conversation", "reply", "report",
	"teilen", "artikel teilen", "drucken", "kommentare", "kommentar", "kommentieren",
	"compartir", "comentarios", "partager", "commentaires", "condividi", "commenti",
	"compartilhar", "partilhar", "comentários", "delen", "reacties", "udostępnij", "komentarze",
	"добавить отзыв", "комментарии", "поделиться",
	// Cross-links and section headings.
	"topics", "tags", "related", "related articles", "related stories", "related posts",
	"related content", "related coverage", "related tags", "more", "more from", "more stories",
	"more news", "read more", "read next", "read also", "see also", "also read", "you may also like",
	"you might also like", "recommended", "recommended for you", "trending", "trending now",
	"most read", "most popular", "popular", "don't miss", "dont miss", "up next", "explore further",
	"next", "previous", "next article", "previous article", "next post", "previous post",
	"more great wired stories", "from the digg store", "what to read next", "latest", "latest news",
	"editor's picks", "top stories", "in other news", "keep reading", "further reading",
	"mehr zum thema", "auch interessant", "lesen sie auch", "weiterlesen", "mehr lesen",
	"kontakt", "quellen", "quellenangaben", "quelle", "titelbild", "schwerpunkte", "artikel", "tema",
	"weitere informationen", "weiterführende informationen", "weiterführende links", "links",
	"downloads", "download", "fotos", "bildergalerie", "mehr informationen", "infos",
	"inhaltsverzeichnis", "inhalt", "rezept drucken", "externer inhalt", "aktuelle news", "aktuelles",
	"zusatzinformationen", "schon gelesen", "kommentare schreiben", "kommentar schreiben",
	"kommentar verfassen", "lade weitere inhalte", "mehr laden", "weitere laden", "fragen an den autor",
	"temas relacionados", "image illustrative", "like it? share it", "table of contents", "contents",
	"print recipe", "jump to recipe", "external content", "bei pinterest speichern",
	"auf pinterest merken", "pin it", "save to pinterest", "merken",
	"das könnte sie auch interessieren", "das könnte dich auch interessieren", "meistgelesen",
	"ähnliche beiträge", "ähnliche artikel", "verwandte artikel", "weitere artikel", "themen",
	"schlagworte", "schlagwörter", "zum thema", "schon gelesen", "auch lesenswert", "empfehlungen",
	"leer más", "lee también", "te puede interesar", "también te puede interesar", "más noticias",
	"noticias relacionadas", "relacionado", "relacionadas", "etiquetas", "temas",
	"lire aussi", "à lire aussi", "lire la suite", "voir aussi", "sur le même sujet",
	"articles similaires", "leggi anche", "potrebbe interessarti", "articoli correlati",
	"leia também", "leia mais", "veja também", "lees ook", "lees meer", "gerelateerd",
	"czytaj także", "czytaj też", "zobacz też", "самые популярные", "читайте также",
	// Navigation and interface.
	"back to top", "skip to content", "skip to main content", "menu", "close", "search", "home",
	"subscribe", "subscribe now", "sign up", "sign in", "log in", "login", "logout", "log out",
	"register", "newsletter", "follow us", "follow", "loading", "load more", "show more",
	"text size", "font size", "listen", "listen to this article", "play", "play video", "watch",
	"watch video", "video", "photo", "photos", "image", "gallery", "open image in gallery",
	"view gallery", "view image", "enlarge", "enlarge image", "expand", "continue reading",
	"continue reading the main story", "story continues below", "story continues below advertisement",
	"article continues below", "article continues below advertisement", "scroll to continue",
	"this slideshow requires javascript", "not now", "yes please", "no thanks", "accept",
	"accept all", "got it", "ok", "learn more", "find out more", "click here", "review",
	"zurück", "weiter", "nach oben", "abonnieren", "jetzt abonnieren", "anmelden", "registrieren",
	"zur startseite", "startseite", "suche", "mehr", "foto", "bild", "bilder", "galerie",
	"suscríbete", "abonnez-vous", "s'abonner", "iscriviti", "inscreva-se",
}

// CrossLinkLeads open a cross-link: the rest of the paragraph is another
// article's headline.
var CrossLinkLeads = []string{
	"read more", "read also", "read next", "see also", "also read", "also see", "related",
	"recommended", "more from", "more on this", "more:", "watch:", "listen:",
	"you may also like", "don't miss", "must read", "further reading",
	"lesen sie auch", "lesen sie mehr", "auch interessant", "mehr zum thema", "weiterlesen",
	"das könnte sie auch interessieren", "empfehlung", "noch mehr",
	"le puede interesar", "te recomendamos", "también te puede interesar", "vorschau auf",
	"leggi anche", "lee también", "leer más", "lea también", "te puede interesar",
	"lire aussi", "à lire aussi", "a lire aussi", "voir aussi", "leia também", "leia mais",
	"veja também", "lees ook", "czytaj także", "czytaj też", "zobacz też", "читайте также",
}

// DatelineLeads open a publication stamp or reading time.
var DatelineLeads = []string{
	"letzte änderung", "zuletzt geändert", "last updated on", "publiziert", "erschienen am",
	"updated", "last updated", "published", "first published", "posted", "posted on",
	"last modified", "modified", "reading time", "min read", "tempo de leitura", "lesezeit",
	"aktualisiert", "veröffentlicht", "zuletzt aktualisiert", "stand:", "erstellt",
	"actualizado", "publicado", "mis à jour", "publié le", "aggiornato", "pubblicato",
	"기사입력", "입력", "수정", "更新", "发布时间", "filed under", "filed in",
}

// CreditLeads open a photo or source credit.
var CreditLeads = []string{
	"photo:", "photo by", "photos:", "photograph:", "image:", "image by", "image source",
	"picture:", "pictures:", "credit:", "credits:", "photo credit", "illustration:",
	"foto:", "fotos:", "bild:", "bilder:", "quelle:", "bildquelle", "source:", "fuente:",
	"crédit", "crédito", "credito:", "titelbild", "aufmacherbild", "bildnachweis", "abbildung:",
	"image illustrative", "illustration :", "foto ©", "fotos ©",
}

// LabelLeads open a short furniture line whatever follows: comment
// counters, "Tell us what you think".
var LabelLeads = []string{
	"tell us what you think", "post comment", "add comment", "comments (", "sign up for",
	"subscribe to", "follow us on", "like us on facebook", "share on", "share this",
}

// LegalPhrases mark a rights notice.
var LegalPhrases = []string{
	"all rights reserved", "alle rechte vorbehalten", "todos los derechos reservados",
	"tous droits réservés", "tutti i diritti riservati", "todos os direitos reservados",
	"무단전재", "무단 전재", "版权所有", "禁止转载",
}

// Agencies end credit lines.
var Agencies = []string{
	"getty images", "getty", "afp", "reuters", "ap", "ap photo", "associated press", "epa",
	"shutterstock", "istock", "alamy", "dpa", "picture alliance", "imago", "rex features",
	"rex/shutterstock", "pa", "pa wire", "bloomberg", "xinhua", "anadolu", "efe",
	"istock.com", "wenn.com", "wenn", "getty images/istockphoto", "istockphoto", "adobe stock",
	"unsplash", "pixabay", "keystone", "ansa", "apa", "kna", "epd",
}

// ShortPhrases inside a short line mark it as a cross-link heading
// whatever surrounds them ("Das Thema könnte dich auch interessieren").
var ShortPhrases = []string{
	"auch interessieren", "you may also like", "you might also like", "you might like",
	"recommended for you", "te puede interesar", "pourrait vous intéresser", "potrebbe interessarti",
	"most popular", "most read", "meistgelesen", "más leídas", "más leído", "les plus lus",
	"самые популярные", "популярные", "читайте также", "related articles", "related stories",
}

// SiteWords are the site speaking of itself; ReaderWords address the
// reader.
var (
	SiteWords = []string{
		"we", "our", "us", "we're", "we've", "we'll", "ours",
		"wir", "uns", "unser", "unsere", "unseren", "unserem", "unserer",
		"nosotros", "nuestro", "nuestra", "nuestros", "nuestras", "nous", "notre", "nos",
		"noi", "nostro", "nostra", "nostri", "nosso", "nossa", "wij", "ons", "onze",
		"zapraszamy", "zachęcamy", "informujemy", "nasz", "nasza", "naszej", "naszego", "nasze",
	}
	ReaderWords = []string{
		"you", "your", "you're", "yours", "you'll", "you've", "please", "thank", "thanks",
		"sie", "ihr", "ihre", "ihren", "ihnen", "du", "dein", "deine", "dich", "dir", "bitte", "danke",
		"usted", "tu", "tus", "gracias", "vous", "votre", "vos", "merci", "voi", "vostro", "grazie",
		"você", "seu", "sua", "obrigado", "je", "jouw", "uw", "bedankt",
	}
)

// Imperatives open a call to action.
var Imperatives = []string{
	"join", "subscribe", "sign", "register", "log", "login", "follow", "click", "tap", "download",
	"share", "support", "donate", "become", "stay", "enable", "disable", "allow", "accept",
	"refresh", "please", "upgrade", "unlock",
	"abonnieren", "abonniere", "registrieren", "registriere", "folgen", "folge", "teilen", "teile",
	"unterstützen", "unterstütze", "bitte",
	"suscríbete", "suscribete", "regístrate", "registrate", "síguenos", "siguenos", "comparte", "apoya",
	"abonnez", "inscrivez", "suivez", "partagez", "soutenez", "rejoignez",
	"iscriviti", "abbonati", "seguici", "condividi", "sostieni", "hazte", "únete", "unete", "mira",
	"descarga", "zum", "jetzt", "entdecke", "entdecken", "sichern", "sichere",
}

// StrongActions only ever name what a site asks of its readers;
// WeakActions often do, but also occur in writing about services.
var (
	StrongActions = []string{
		"newsletter", "newsletters", "notifications", "cookies", "paywall", "paywalls",
		"donation", "donations", "donate", "commenting", "commenters", "registering", "javascript",
		"adblocker", "inbox", "unsubscribe",
		"kommentieren", "einloggen", "eingeloggt", "spende", "spenden", "werbeblocker", "benachrichtigungen",
		"privatsphäre", "datenschutzerklärung", "boletín", "donación", "commentaires", "privacy",
	}
	WeakActions = []string{
		"subscribe", "subscribed", "subscription", "subscriptions", "subscribers", "register",
		"registration", "login", "signup", "comment", "comments", "forum", "replies",
		"conversations", "readers", "membership", "follow", "share", "refresh", "browser",
		"journalism", "journalists", "reporting",
		"kommentar", "kommentare", "anmelden", "anmeldung", "registrieren", "abonnieren", "abo",
		"leser", "leserinnen", "mitglied", "mitgliedschaft", "unterstützung",
		"comentarios", "comentario", "suscripción", "suscriptores", "commentaire", "abonnement",
		"abonnés", "inscription", "commento", "commenti", "abbonamento", "iscrizione", "comentários",
		"assinatura", "assinante", "miembro", "miembros", "socio", "membre", "membres",
		"facebook", "twitter", "instagram", "telegram", "whatsapp", "youtube", "linkedin", "tiktok",
		"pinterest", "podcast", "app", "angemeldet", "anmelden", "registriert",
	}
	StrongStems = []string{"newsletter", "notificat", "subskryp", "abonnier"}
	StrongPairs = []string{
		"logged in", "log in", "sign in", "sign up", "your support", "support us", "support our",
		"follow us", "our journalism", "our reporting", "quality journalism", "independent journalism",
		"ad blocker", "the page", "email address", "e-mail address", "our app", "this article",
		"this story", "e-mail-adresse", "unsere arbeit", "uns unterstützen",
	}
)

// SectionNames are the names of news sections, which a scraped breadcrumb
// puts in front of the headline ("News World Europe"). The enricher flags
// a run of them at the start of a paragraph.
var SectionNames = []string{
	"news", "world", "europe", "uk", "us", "politics", "business", "sport", "sports", "opinion",
	"culture", "tech", "technology", "science", "health", "home", "video", "live", "asia", "americas",
	"africa", "australia", "money", "lifestyle", "travel", "climate", "environment", "analysis",
	"features", "comment", "voices",
}

// MoreSectionNames are section names the cleaner also strips from a
// breadcrumb line before a headline, where a run of them is unambiguous.
// Inside text they are as often writing ("Middle East", "China India"):
// the enricher keeps to SectionNames.
var MoreSectionNames = []string{
	"economy", "markets", "football", "arts", "entertainment", "life", "style",
	"food", "local", "national", "international", "education", "media", "latest", "breaking",
	"middle", "east", "asia-pacific", "india", "china", "nachrichten", "politik", "wirtschaft",
	"ausland", "inland", "kultur", "panorama", "lokales", "regionales", "region", "regional",
	"meinung", "wissen", "actualités", "monde", "noticias", "mundo", "internacional", "deportes",
	"cultura",
}

// ReaderAppeals are phrases that, outside quotation marks, make a sentence
// an appeal to the reader rather than reporting (the enricher's sentence
// rule; the cleaner judges whole paragraphs by the prompt words above).
var ReaderAppeals = []string{
	"your support", "your donation", "donate now", "make a donation", "donation", "donations",
	"support our journalism", "support us", "support independent journalism",
	"subscribe", "subscribe now", "subscription", "subscriptions", "subscriber", "subscribers",
	"sign up", "sign-up", "sign in", "log in", "logged in", "create an account", "create a free account",
	"registering", "register for free", "register now", "newsletter", "newsletters",
	"notifications", "cookie policy", "cookies", "accept cookies", "cookie settings",
	"your browser", "browser preferences", "refresh the page", "refresh your browser",
	"paywall", "paywalls", "commenting", "join the conversation", "join the discussion",
	"join our", "open image in gallery", "click here", "privacy policy", "privacy notice",
	"terms and conditions", "terms of service", "terms of use", "all rights reserved",
	"follow us on", "download our app", "download the app", "enable javascript",
	"ad blocker", "adblocker", "skip to content", "skip to main content", "share this article",
	"share this story", "already a subscriber", "independent journalism", "quality journalism",
	"view in gallery", "toggle navigation",
}

// InlineLabels are the Labels that mark even a short sentence holding them
// as furniture ("Comments", "Share", "Most read"): the enricher flags a
// sentence of up to four words with one. (Measured on the quotes
// development set: with all of Labels, 53 of 924 articles lose quotes,
// "It's a home run." among them.)
var InlineLabels = []string{
	"comments", "comment", "not now", "yes please", "no thanks", "share", "advertisement",
	"menu", "print", "read more", "related", "watch", "listen", "close", "more", "top stories",
	"most read", "trending", "sponsored", "loading",
}

// LeadLabels head a sentence whose rest is content ("Read more The first
// round of talks…"): only the label itself is furniture (the enricher's
// rule). Narrower than CrossLinkLeads, which judge a whole line: at the
// start of a sentence "Recommended" or "More from" is as often writing.
var LeadLabels = []string{
	"read more", "related", "advertisement", "watch", "listen", "more on this story", "see also", "also read",
}

// WeakAppealWords are the publisher speaking to the reader: a sentence
// holding one is furniture only next to one that already is (the
// enricher's rule). Narrower than SiteWords and ReaderWords, which the
// cleaner weighs over a whole paragraph: with all of those, "please" and
// "thank you" in quoted speech change 2 of 1,439 articles of the timex and
// keywords development sets.
var WeakAppealWords = []string{
	"we", "our", "us", "you", "your", "journalism", "journalists", "reporting", "reporters", "readers", "reader",
}

// Set is a lookup over lists of the vocabulary.
func Set(lists ...[]string) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		for _, w := range l {
			m[w] = true
		}
	}
	return m
}
